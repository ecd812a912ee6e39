import { DejaError } from '../core/errors.ts';
import type { Image } from '../core/image.ts';
import type { ExecutionProvider } from './executionProvider.ts';
import { imageBatchTensor, type ImageTensorSpec } from './imageTensor.ts';
import type { ModelCard } from './manifest.ts';
import { cardForFile, checkCardMatchesGraph, defaultManifestPath, modelCard, modelFileSha256, modelFileSignature, readManifest, verifyModelFile } from './modelRegistry.ts';
import { onnxModel } from './onnxSession.ts';

/**
 * A classification model and everything needed to run it on photos, known before any session is
 * created: its card (task `classification`, `classes` in output order), its file (sha256 checked),
 * the photo pipeline of its input, and its `logits` and optional `features` outputs, all checked
 * against the ONNX graph.
 */
export interface ClassifierContract {
  /** The card's name. */
  name: string;
  file: string;
  /** The manifest.json holding the card. */
  manifest: string;
  sha256: string;
  card: ModelCard;
  /** Class names in output order. */
  classes: string[];
  input: ImageTensorSpec & { name: string; dynamicBatch: boolean };
  /** Name of the output of `classes.length` logits per photo. */
  logits: string;
  /** The penultimate features, when the card has an output named `features` of fixed size. */
  features: { name: string; dim: number } | null;
}

/** How a classifier runs: photos per run (ignored for a model that takes one), intra-op threads, provider. */
export interface ClassifierRunOptions {
  batch?: number;
  threads?: number;
  provider?: ExecutionProvider;
}

/** Names of the classification cards of a manifest. */
export function classifierNames(manifest = defaultManifestPath()): string[] {
  return readManifest(manifest)
    .models.filter((m) => m.task === 'classification')
    .map((m) => m.name);
}

/**
 * Resolves `--model <name|file.onnx>` to a classifier: a name is a card of the manifest; a path is a
 * file that must have its card in a `manifest.json` beside it (class names come only from a card).
 * @param ref a card name (`cifar-resnet20`) or the path of an `.onnx` file
 * @param options `manifest`: the manifest names are looked up in (default: the package's)
 * @throws DejaError UNKNOWN_NAME (listing the models), NOT_FOUND, MODEL_ERROR (not ONNX, sha256 differs
 *   — with the recipe command —, input or output shapes that do not fit the card), BAD_ARGUMENT (not a classifier)
 * @example resolveClassifier('cifar-resnet20').classes.length // 10
 */
export function resolveClassifier(ref: string, options: { manifest?: string } = {}): ClassifierContract {
  const byName = !/[/\\]/.test(ref) && !ref.toLowerCase().endsWith('.onnx');
  if (byName) {
    const manifest = options.manifest ?? defaultManifestPath();
    return classifierContract(modelCard(ref, manifest), manifest);
  }
  modelFileSha256(ref); // NOT_FOUND first
  const found = cardForFile(ref);
  if (!found) {
    modelFileSignature(ref); // not ONNX at all, before "no card"
    throw new DejaError('MODEL_ERROR', `model ${ref} has no card, so its class names are unknown`, {
      file: ref,
      hint: 'put a manifest.json beside it with its card (task "classification", classes in output order; see models/README.md)',
    });
  }
  return classifierContract(found.card, found.manifest);
}

/**
 * A classifier a client names (the HTTP API): only a classification card of the manifest, never a path.
 * @throws DejaError UNKNOWN_NAME listing the manifest's classifiers, and those of `resolveClassifier`
 */
export function registeredClassifier(name: string, manifest = defaultManifestPath()): ClassifierContract {
  const names = classifierNames(manifest);
  if (!names.includes(name))
    throw new DejaError('UNKNOWN_NAME', `unknown classification model "${clip(name)}": must be one of [${names.join(', ')}]`, { hint: 'GET /api/models lists the models' });
  return classifierContract(modelCard(name, manifest), manifest);
}

function classifierContract(card: ModelCard, manifest: string): ClassifierContract {
  if (card.task !== 'classification') {
    const others = classifierNames(manifest);
    throw new DejaError('BAD_ARGUMENT', `model ${card.name} is a${/^[aeiou]/.test(card.task) ? 'n' : ''} ${card.task} model, not a classifier: classifiers are [${others.join(', ')}]`, {
      file: manifest,
      hint: card.task === 'embedding' ? `use it as an encoder: --encoders "cnn(model=${card.name})"` : 'pick a card with task "classification" (`deja models`)',
    });
  }
  const cardHint = { file: manifest, hint: `give the card of ${card.name} classes in output order (see models/README.md)` };
  if (!card.classes?.length) throw new DejaError('MODEL_ERROR', `the card of ${card.name} lists no classes`, cardHint);
  const file = verifyModelFile(card, manifest);
  checkCardMatchesGraph(card, file);
  const logits = card.outputs.find((o) => o.name === 'logits') ?? card.outputs[0];
  const perPhoto = fixedSize(logits.shape);
  if (perPhoto !== undefined && perPhoto !== card.classes.length)
    throw new DejaError('MODEL_ERROR', `model ${card.name} gives ${perPhoto} logits per photo (output ${logits.name}) but its card lists ${card.classes.length} classes`, cardHint);
  const f = card.outputs.find((o) => o.name === 'features');
  const featureDim = f && fixedSize(f.shape);
  const { name, size, channels, layout, mean, std, shape } = card.input;
  return {
    name: card.name,
    file,
    manifest,
    sha256: card.sha256,
    card,
    classes: card.classes,
    input: { name, size, channels, layout, mean, std, dynamicBatch: typeof shape[0] !== 'number' },
    logits: logits.name,
    features: f && featureDim ? { name: f.name, dim: featureDim } : null,
  };
}

/** Values per photo of an output `[batch, …]`, or undefined when a dimension is symbolic. */
function fixedSize(shape: readonly (number | string)[]): number | undefined {
  const rest = shape.slice(1);
  return rest.every((d) => typeof d === 'number') ? rest.reduce<number>((a, d) => a * (d as number), 1) : undefined;
}

/**
 * Runs a classifier on decoded photos, `batch` at a time (one at a time for a model with a fixed batch of 1).
 * @returns `logits`: `images.length * classes.length` values, row-major (photo, class)
 * @throws DejaError MODEL_ERROR when the runtime fails or the model gives another number of logits than its card's classes
 * @example const { logits } = await runClassifier(resolveClassifier('cifar-resnet20'), photos, { batch: 32 });
 */
export async function runClassifier(c: ClassifierContract, images: readonly Image[], options: ClassifierRunOptions = {}): Promise<{ logits: Float32Array }> {
  const batch = options.batch ?? 32;
  if (!Number.isInteger(batch) || batch < 1 || batch > 1024) throw new DejaError('BAD_ARGUMENT', `Expected integer between 1 and 1024 for batch but received ${options.batch}`);
  const model = onnxModel(c.file, { threads: options.threads, provider: options.provider });
  const per = c.input.dynamicBatch ? batch : 1;
  const C = c.classes.length;
  const logits = new Float32Array(images.length * C);
  for (let i = 0; i < images.length; i += per) {
    const chunk = images.slice(i, i + per);
    const out = (await model.runBatch({ [c.input.name]: imageBatchTensor(chunk, c.input) }, [c.logits]))[c.logits];
    if (out.data.length !== chunk.length * C)
      throw new DejaError('MODEL_ERROR', `model ${c.name} gave ${out.data.length / chunk.length} logits per photo but its card lists ${C} classes`, { file: c.file, hint: `fix its card, or rebuild it with: ${c.card.recipe}` });
    logits.set(out.data, i * C);
  }
  return { logits };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
