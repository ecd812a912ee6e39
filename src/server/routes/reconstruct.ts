import { DejaError } from '../../core/errors.ts';
import { probeImage } from '../../io/decode.ts';
import { ReconstructPhotoOptions, reconstructPhotos } from '../../actions/reconstruct/reconstructPhotos.ts';
import type { JobContext } from '../jobs.ts';
import { defineRoute } from '../route.ts';
import { ReconstructResult } from '../responses.ts';
import type { Upload } from '../uploads.ts';

/** The upload's fields: the pipeline's options less the thread count (the operator's), with the size capped (SIFT's cost grows with it). */
const ReconstructFields = ReconstructPhotoOptions.omit({ threads: true }).extend({
  maxSize: ReconstructPhotoOptions.shape.maxSize.unwrap().max(2048).default(1024).describe('Longer side the photos are shrunk to before SIFT, pixels (never enlarged; at most 2048 here).'),
});
type Fields = ReturnType<typeof ReconstructFields.parse>;

/** A client file name as an image name in images.txt: one line, no folders (it is never a path here). */
const imageName = (name: string, i: number) => name.replace(/^.*[\\/]/, '').replace(/[\s\x00-\x1f\x7f]+/g, '_') || `photo-${i + 1}`;

export default defineRoute({
  method: 'POST',
  url: '/api/reconstruct',
  summary: 'Structure from motion on uploaded photos of one scene: cameras, a coloured point cloud, a top view and a viewer scene (Schönberger & Frahm 2016)',
  tag: 'reconstruction',
  fields: ReconstructFields,
  files: [{ name: 'photos', description: 'two or more overlapping photos of one scene from one camera (several files in this field)', required: true, multiple: true }],
  job: {
    kind: 'reconstruct',
    run: async (_env, { files, fields }: { files: Upload[]; fields: Fields }, job: JobContext) => {
      const sources = files.map((f, i) => ({ name: imageName(f.name, i), path: f.name, read: () => f.bytes }));
      const { report, outputs } = await reconstructPhotos(sources, `${files.length} uploaded photos`, fields, job.progress);
      const url: Record<string, string> = {};
      for (const [name, bytes] of Object.entries(outputs)) url[name] = job.saveFile(name, bytes);
      const modelFiles = { cameras: url['cameras.txt'], images: url['images.txt'], points3D: url['points3D.txt'], ply: url['points.ply'], topView: url['topview.png'], scene: url['scene.json'] };
      return { ...report, files: modelFiles };
    },
  },
  response: ReconstructResult,
  returns: 'the per-photo outcome, the camera, the summary and the model files (job file URLs)',
  handle: async ({ ctx, fields, files }) => {
    const max = ctx.settings.maxReconstructPhotos;
    if (files.length < 2) throw new DejaError('BAD_ARGUMENT', `need at least two photos to reconstruct, got ${files.length}`, { hint: 'send two or more overlapping photos of one scene in the "photos" field' });
    if (files.length > max) throw new DejaError('BAD_ARGUMENT', `at most ${max} photos per reconstruction, got ${files.length}`, { hint: 'send fewer photos (deja serve --max-reconstruct-photos)' });
    if (fields.cameraModel === 'pinhole' && !fields.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs K', { hint: 'send K as nine comma-separated numbers (fx,0,cx,0,fy,cy,0,0,1 at the stored size), or use simple-radial' });
    // Every photo is checked from its header now, so a non-image is a 415 rather than a failed job.
    for (const f of files) await probeImage(f.bytes, { name: f.name, pixelLimit: ctx.settings.maxPixels, limitHint: `this server accepts at most ${Math.round(ctx.settings.maxPixels / 1e6)} MP (deja serve --max-pixels)` });
    return { files, fields };
  },
});
