/**
 * The JSON the HTTP API answers with, one zod schema per route: the OpenAPI document shows them
 * (`/openapi.json`), each route's handler is type-checked against its own, and the web page takes its
 * API types from them (`z.infer`, imported type-only), so there is no hand copy to drift.
 *
 * Pure schemas: this module imports zod and nothing else, so the page (a layer above) may import its
 * types without pulling in the server. URLs in these objects (thumbnails, job files) are absolute
 * paths on the same server.
 */
import { z } from 'zod';

const url = (what: string) => z.string().describe(`URL path of ${what} on this server`);
const id = z.number().int().min(1).describe('photo id in the collection');
const LatLon = z.object({ latitude: z.number().describe('degrees, −90 … 90'), longitude: z.number().describe('degrees, −180 … 180') });
const place = z.string().nullable().describe('nearest named place, "City, Country" (null when none is near)');

/** Body of every 4xx/5xx answer: one line, the file it is about and a hint. */
export const ApiErrorBody = z.object({ code: z.string(), message: z.string(), file: z.string().optional(), hint: z.string().optional() });
export const ErrorResponse = z.object({ error: ApiErrorBody });

/** How the API refers to a collection photo. */
export const PhotoRef = z.object({
  id,
  name: z.string().describe('short display name: parent folder and file name'),
  path: z.string().describe('the source path the photo was indexed from'),
  thumbnail: url('its JPEG thumbnail'),
});

/**
 * `GET /api/photos/:id/original`: a collection photo's own file, full size and in its own format,
 * exactly the bytes it was indexed from (checked against their content hash).
 */
export const PhotoFile = z
  .string()
  .meta({ format: 'binary' })
  .describe("the photo's file as indexed, in its own format (Content-Type: its media type; a format that is not an image a browser shows safely comes as an application/octet-stream attachment)");

/** `GET /api/health`. */
export const Health = z.object({ ok: z.boolean(), photos: z.number().int().min(0) });

/** `GET /api/info`: what the collection holds (as `deja info --json`) and its folder's name. */
export const Info = z.object({
  name: z.string().describe('the collection folder name'),
  collection: z.string().describe('the collection folder'),
  photos: z.number().int().min(0),
  duplicates: z.number().int().min(0).describe('exact duplicates kept as aliases'),
  skipped: z.number().int().min(0).describe('items indexing skipped (unreadable, too small)'),
  geotagged: z.number().int().min(0),
  labelled: z.number().int().min(0),
  labels: z.array(z.object({ label: z.string(), count: z.number().int() })).describe('most frequent first'),
  encoders: z
    .array(z.object({ spec: z.string(), name: z.string(), version: z.number().int(), dim: z.number().int(), dtype: z.enum(['float32', 'float16', 'int8']), rows: z.number().int() }))
    .describe('the descriptors stored, one entry per encoder spec'),
  diskBytes: z.number().min(0),
});

/** `GET /api/ingest`: the distributed ingest's progress (`deja serve --queue`). */
export const IngestProgress = z.object({
  state: z.enum(['off', 'unused', 'unreachable', 'running', 'idle']).describe('off: the server has no --queue; unused: the collection never used one; unreachable: Redis does not answer; running: jobs wait or run; idle: none do'),
  photos: z.number().int().min(0).describe("the collection's photos now"),
  queue: z.string().nullable().describe("the collection's queue (what `deja worker --name` takes)"),
  url: z.string().nullable().describe('the Redis URL, without its password'),
  waiting: z.number().int().min(0),
  active: z.number().int().min(0),
  completed: z.number().int().min(0).describe('encoded, not yet committed by the writer'),
  failed: z.number().int().min(0),
  delayed: z.number().int().min(0).describe('waiting out a retry back-off'),
  workers: z.number().int().min(0).describe('workers connected to the queue'),
  message: z.string().nullable().describe('why Redis could not be read, and what to do'),
});

export const PhotoSummary = PhotoRef.extend({
  width: z.number().int(),
  height: z.number().int(),
  label: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  takenAt: z.string().nullable().describe('EXIF capture time, ISO 8601 with the UTC offset when known'),
});

/** `GET /api/photos`. */
export const PhotoPage = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  order: z.enum(['name', 'id']).describe('name: natural order of the source paths (2 before 10); id: indexing order'),
  photos: z.array(PhotoSummary),
});

/** `GET /api/photos/geo`. */
export const GeoPhotos = z.object({ photos: z.array(LatLon.extend({ id })) });

/** `POST /api/search`. */
export const SearchResult = z.object({
  encoder: z.string(),
  k: z.number().int(),
  index: z.string().describe('the index spec searched with, or "exact"'),
  note: z.string().nullable().describe('why an asked-for approximate index was not used'),
  seconds: z.number(),
  results: z.array(PhotoRef.extend({ distance: z.number(), mirrored: z.boolean().describe('matched as a mirror image') })),
});

/** `POST /api/classify`. */
export const ClassifyResult = z.object({
  label: z.string().nullable().describe('the winning label'),
  scores: z.array(z.object({ label: z.string(), score: z.number().describe('share of the weighted vote, 0 … 1'), votes: z.number().int() })).describe('best first'),
  neighbours: z.array(PhotoRef.extend({ label: z.string().nullable(), distance: z.number() })),
  encoder: z.string(),
  k: z.number().int(),
  weighting: z.string(),
  collectionSize: z.number().int().describe('labelled photos voted from'),
  pca: z.number().int().nullable().describe('principal components searched in, or null for the full dimension'),
  seconds: z.number(),
});

/** `POST /api/classify` with `model`: a classification network's answer (as `deja classify --model --json`). */
export const ModelClassifyResult = z.object({
  query: z.string().describe("the uploaded file's name"),
  label: z.string().describe('the most probable class'),
  scores: z.array(z.object({ label: z.string(), score: z.number().describe('softmax probability, 0 … 1') })).describe('the `top` most probable classes, best first'),
  model: z.string().describe('the model card name'),
  sha256: z.string().describe("the model file's sha256"),
  top: z.number().int(),
  classes: z.number().int().describe('classes the softmax is over'),
  seconds: z.number(),
});

/** `POST /api/classify`: the k-NN vote, or with `model` the network's answer. */
export const ClassifyAnswer = z.union([ClassifyResult, ModelClassifyResult]);

const Dimension = z.union([z.number().int(), z.string()]);

/** One model card as a client sees it: everything but where its file is. */
export const ModelInfo = z.object({
  name: z.string(),
  task: z.string().describe('embedding, classification, …'),
  trained: z.boolean().describe('false for a random-weight test model'),
  input: z.object({
    name: z.string(),
    shape: z.array(Dimension).describe('batch first; N for any batch size'),
    size: z.number().int().describe('side of the square the photo is resized (shorter side) and centre-cropped to'),
    channels: z.number().int(),
    layout: z.string(),
    mean: z.array(z.number()),
    std: z.array(z.number()),
  }),
  outputs: z.array(z.object({ name: z.string(), shape: z.array(Dimension), description: z.string().optional() })),
  classes: z.array(z.string()).optional().describe('class names in output order (classifiers)'),
  gradient: z.string().optional().describe("a classifier's input-gradient graph: the name of its card (task input-gradient), what gradient attacks run through"),
  gradientOf: z.object({ model: z.string(), sha256: z.string() }).optional().describe('an input-gradient graph: its classifier and the sha256 of the file it was exported from'),
  sha256: z.string(),
  recipe: z.string().describe('the command that reproduces the file'),
  data: z.string().optional(),
  split: z.string().optional().describe('the held-out data the metrics were measured on'),
  metrics: z.record(z.string(), z.number()).optional(),
  notes: z.string().optional(),
  status: z.enum(['ok', 'missing', 'sha256 differs']).describe("the file's state on the server; only ok models can be used"),
});

/** `GET /api/models`: the cards of the server's manifest. */
export const ModelList = z.object({
  models: z.array(ModelInfo),
  classifiers: z.array(z.string()).describe('names a classify or attack request may give as `model` (classification cards whose file is ok)'),
  classifiersWithGradient: z.array(z.string()).describe('those of the classifiers whose input-gradient graph is there too: gradient attacks (fgsm, pgd, eot) run only on these, one-pixel on any'),
});

const ClassScores = z.object({
  label: z.string().describe('the most probable class'),
  score: z.number().describe('its softmax probability, 0 … 1'),
  scores: z.array(z.object({ label: z.string(), score: z.number() })).describe('every class, in class order'),
});

/** Result of the `POST /api/attack` job (as `deja attack --json`, the files as job file URLs). */
export const AttackResult = z.object({
  photo: z.string().describe("the uploaded file's name, or the collection photo's"),
  model: z.string(),
  sha256: z.string().describe("the model file's sha256"),
  gradientModel: z.string().nullable().describe('the input-gradient graph used (gradient methods)'),
  method: z.string(),
  eps: z.number().nullable().describe('L∞ radius in pixel units of [0, 1]; null for one-pixel'),
  epsText: z.string().nullable().describe('ε as written, e.g. 8/255'),
  steps: z.number().int().nullable().describe('pgd, eot'),
  pixels: z.number().int().nullable().describe('one-pixel'),
  target: z.string().nullable().describe('the class asked for, or null: away from the class the model predicts'),
  size: z.number().int().describe('side of the crop attacked: the photo resized (shorter side) and centre-cropped to the model\'s input'),
  before: ClassScores.describe('the scores of the clean crop'),
  after: ClassScores.describe('the scores of the adversarial crop as saved (8-bit PNG)'),
  success: z.boolean().describe('the model now answers another class (or the target)'),
  wrongClassConfidence: z.number().nullable().describe('probability of the class it now answers, on a success'),
  norms: z
    .object({ linf: z.number(), linf255: z.number(), l2: z.number(), pixels: z.number().int() })
    .describe('of x′ − x: L∞ and L2 in pixel units of [0, 1], L∞ in 8-bit steps, the pixels changed'),
  robustness: z.object({ draws: z.number().int(), stillAdversarial: z.number() }).nullable().describe('the share of fresh random transformations under which it stays a success; null with draws 0'),
  queries: z.number().int().describe('images the model scored (a gradient run counts as one)'),
  seconds: z.number(),
  adversarial: url('the adversarial crop (PNG, lossless)'),
  panel: url('the panel: original, perturbation magnified, adversarial, scores before and after (PNG)'),
});

const Estimate = LatLon.extend({ confidence: z.number().describe('share of the vote at the estimate, 0 … 1'), place });

const priorGamma = z.union([z.number(), z.literal('constant')]).describe('prior weight γ: 0 = off, "constant" = always the collection medoid');

/** The collection prior applied to a located photo (IM2GPS §4; `deja locate --json`'s `prior`). */
export const AppliedPrior = z.object({
  gamma: priorGamma,
  chosenBy: z.enum(['calibration', 'option', 'default']).describe('calibration: auto, chosen on the collection\'s own photos; option: the priorWeight field; default: auto, but the collection could not calibrate'),
  calibration: z
    .object({
      gamma: priorGamma,
      photos: z.number().int().describe('collection photos located to choose γ'),
      holdOut: z.enum(['photo', 'trip']),
      medianKm: z.number().describe('their median error at the chosen γ'),
      constantMedianKm: z.number().describe('their median error with the constant prior'),
    })
    .nullable(),
  voteWeight: z.number().describe('λ = confidence^γ, the weight of the votes against the collection, 0 … 1'),
  chose: z.enum(['mode', 'medoid']).describe("the estimate is the votes' strongest mode or the collection's medoid"),
  mode: LatLon.describe("the votes' strongest mode (the estimate without the prior)"),
  medoid: LatLon.nullable().describe('the collection medoid; null when the prior is off'),
});

/** Result of the `POST /api/locate` job (as `deja locate --json`). */
export const LocateResult = z.object({
  query: z.string().describe("the uploaded file's name"),
  encoder: z.string(),
  k: z.number().int(),
  bandwidthKm: z.number(),
  estimate: Estimate,
  prior: AppliedPrior,
  nearestNeighbour: LatLon,
  modes: z.array(LatLon.extend({ support: z.number(), count: z.number().int(), place })),
  neighbours: z.array(PhotoRef.extend({ latitude: z.number(), longitude: z.number(), distance: z.number(), weight: z.number(), voted: z.boolean() })),
  excludedSelf: z.boolean().describe("the query's own record was left out of its neighbours"),
  exifGps: LatLon.nullable().describe("the photo's own EXIF GPS"),
  map: url('the map PNG'),
  seconds: z.number(),
});

/** One photo of a located sequence. */
export const LocateSequencePhoto = z.object({
  path: z.string().describe("the uploaded file's name"),
  takenAt: z.string().nullable().describe("EXIF capture time, ISO 8601 with the photo's own UTC offset when it has one"),
  trip: z.number().int().nullable().describe('index of its trip (0-based), or null for a photo without capture time'),
  single: Estimate.describe("the photo's estimate on its own (kNN mean shift)"),
  sequence: LatLon.extend({ place }).nullable().describe('the estimate decoded along its trip with the travel prior; null without a trip'),
  exifGps: LatLon.nullable(),
});

/** Result of the `POST /api/locate/sequence` job (as `deja locate --sequence --json`). */
export const LocateSequenceResult = z.object({
  folder: z.string(),
  encoder: z.string(),
  k: z.number().int(),
  bandwidthKm: z.number(),
  trips: z.number().int(),
  photos: z.array(LocateSequencePhoto).describe('in time order per trip, trip after trip, then the photos without capture time'),
  withoutTime: z.array(z.string()),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  seconds: z.number(),
});

/** One completion of the `POST /api/complete` job. */
export const Completion = z.object({
  rank: z.number().int().min(1),
  source: PhotoRef.nullable().describe('the collection photo the fill came from (scene method only)'),
  placement: z.object({ scale: z.number(), factor: z.number(), dx: z.number(), dy: z.number() }).nullable(),
  terms: z.object({ scene: z.number(), context: z.number(), contextColor: z.number(), contextTexture: z.number(), seam: z.number() }).nullable(),
  normalised: z.object({ scene: z.number(), context: z.number(), seam: z.number() }).nullable(),
  score: z.number().nullable().describe('cost, lower is better'),
  image: url('the completed photo (PNG)'),
});

/** Result of the `POST /api/complete` job. */
export const CompleteResult = z.object({
  photo: z.string(),
  mask: z.string(),
  method: z.string().describe('the completion method'),
  width: z.number().int(),
  height: z.number().int(),
  holeFraction: z.number(),
  bandRadius: z.number(),
  collectionSize: z.number().int(),
  scenesMatched: z.number().int(),
  note: z.string().nullable().describe('set when the mask was stretched to a photo of another aspect ratio'),
  warnings: z.array(z.string()),
  original: url('the working photo (PNG)'),
  query: url('the photo with its hole shown (PNG)'),
  grid: url('the completions as one sheet (JPEG)'),
  results: z.array(Completion),
  seconds: z.number(),
});

/** Result of the `POST /api/colorize` job. */
export const ColorizeResult = z.object({
  method: z.string().describe('the colorization method'),
  encoder: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  note: z.string().nullable(),
  skippedGray: z.number().int().describe('gray photos of the collection skipped as sources'),
  matches: z.array(PhotoRef.extend({ distance: z.number(), mirrored: z.boolean() })),
  panels: z.object({ gray: url('the input in gray (PNG)'), average: url('the matches’ average colour (PNG)'), result: url('the colorized photo (PNG)'), sheet: url('all panels (JPEG)') }),
});

/** Result of the `POST /api/duplicates` job. */
export const DuplicatesResult = z.object({
  groups: z.array(
    z.object({
      kind: z.enum(['exact', 'near']),
      photos: z.array(z.object({ id: z.number().int().nullable(), path: z.string(), distance: z.number(), thumbnail: z.string().nullable() })),
    }),
  ),
});

const StageTime = z.object({ seconds: z.number(), cpuSeconds: z.number() });

const SfmCamera = z.object({ model: z.enum(['SIMPLE_RADIAL', 'PINHOLE']), width: z.number().int(), height: z.number().int(), params: z.array(z.number()).describe('SIMPLE_RADIAL: f, cx, cy, k1; PINHOLE: fx, fy, cx, cy (pixels of the decoded size)') });

/** Result of the `POST /api/reconstruct` job (as `deja reconstruct --json`, files as job file URLs). */
export const ReconstructResult = z.object({
  images: z.array(z.object({
    name: z.string().describe("the uploaded file's name"), width: z.number().int(), height: z.number().int(), features: z.number().int(),
    registered: z.boolean(), reason: z.string().nullable().describe('why it did not register'), observations: z.number().int(),
    focal: z.object({ start: z.number().describe('pixels'), source: z.string().describe('where the starting focal length came from (EXIF, or the guess)'), swept: z.number().nullable().describe('for a guess: the focal length the registration sweep chose, pixels') }).nullable().describe('with per-image cameras'),
    camera: SfmCamera.nullable().describe('with per-image cameras: this photo’s refined camera'),
  })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  cameraSetup: z.object({ cameras: z.enum(['shared', 'per-image']), why: z.string() }),
  camera: SfmCamera.describe('the shared camera (with per-image cameras: the first photo’s)'),
  duplicates: z.array(z.object({ a: z.string(), b: z.string(), inliers: z.number().int(), medianShift: z.number().describe('pixels') })).describe('pairs of (near-)identical photos: no baseline between them'),
  summary: z.object({
    images: z.number().int(), registered: z.number().int(), points: z.number().int(), observations: z.number().int(),
    meanTrackLength: z.number(), meanReprojectionError: z.number().describe('pixels'),
  }),
  stages: z.object({
    decode: StageTime, features: StageTime.extend({ keypoints: z.number().int(), contrast: z.number().describe('the SIFT contrast threshold used'), fromDatabase: z.number().int().describe('photos whose features were read back (0 over HTTP)') }),
    matching: StageTime.extend({ matcher: z.enum(['exhaustive', 'vocab']), pairs: z.number().int(), verifiedPairs: z.number().int(), inliers: z.number().int(), fromDatabase: z.number().int().describe('pairs whose matches were read back (0 over HTTP)') }),
    mapping: StageTime.extend({ ms: z.record(z.string(), z.number()), initialPair: z.object({ images: z.tuple([z.string(), z.string()]), inliers: z.number().int(), medianAngle: z.number() }).nullable() }),
    export: StageTime,
  }),
  files: z.object({
    cameras: url('cameras.txt (COLMAP text model)'), images: url('images.txt'), points3D: url('points3D.txt'), ply: url('points.ply'),
    topView: url('topview.png, the points from above with the cameras'), scene: url('scene.json, the points and cameras for the viewer'),
  }),
  seconds: z.number(),
});

/** `scene.json` of a reconstruct job: what the web viewer draws. */
export const ViewerScene = z.object({
  points: z.object({ count: z.number().int(), total: z.number().int().describe('points in the model (more than count when thinned)'), xyz: z.array(z.number()).describe('3 × count'), rgb: z.array(z.number().int()).describe('3 × count bytes') }),
  cameras: z.array(z.object({
    index: z.number().int(), name: z.string(), centre: z.array(z.number()).length(3), rotation: z.array(z.number()).length(9).describe('camFromWorld, row-major'),
    focal: z.number().describe('pixels'), width: z.number().int(), height: z.number().int(),
  })),
});

export const JobState = z.enum(['queued', 'running', 'done', 'failed']);

/** A long task on the server; `result` is set once `state` is `done`, `error` once it is `failed`. */
export function jobOf<R extends z.ZodType>(result: R) {
  return z.object({
    id: z.string().regex(/^[0-9a-f]{32}$/),
    kind: z.string(),
    state: JobState,
    progress: z.object({ stage: z.string(), done: z.number(), total: z.number() }),
    result: result.nullable().describe('the task result once done'),
    error: ApiErrorBody.nullable(),
    url: z.string(),
    events: z.string(),
    queuedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  });
}
export const Job = jobOf(z.unknown());

const MethodInfo = z.object({ name: z.string(), description: z.string().describe('one line: what the method does') });

/** `GET /api/methods`: each capability's method menu, from its registry. */
export const MethodMenus = z.object({
  complete: z.object({ default: z.string(), methods: z.array(MethodInfo.extend({ usesScenes: z.boolean().describe('it matches scenes of the collection (and takes `scenes`)') })) }),
  colorize: z.object({ default: z.string(), methods: z.array(MethodInfo) }),
  locate: z.object({ default: z.string(), methods: z.array(MethodInfo) }),
  attack: z.object({
    default: z.string(),
    methods: z.array(
      MethodInfo.extend({
        gradient: z.boolean().describe("it runs through the model's input-gradient graph (white box); else only the logits (black box)"),
        strength: z.enum(['eps', 'pixels']).describe('eps: an L∞ radius `eps`; pixels: a number of changed `pixels`'),
      }),
    ),
  }),
});
