/**
 * Worker side of `siftFeaturesBatch`: SIFT on each image it is sent, with one workspace for the
 * thread's lifetime; the result's arrays are transferred back, not copied.
 */
import { serveTasks } from '../../core/workerTask.ts';
import { createImage } from '../../core/image.ts';
import { ScaleSpaceWorkspace } from './scaleSpace.ts';
import type { SiftTask } from './siftBatch.ts';
import { siftFeatures, type SiftFeatures } from './siftFeatures.ts';

const workspace = new ScaleSpaceWorkspace();

serveTasks<SiftTask, SiftFeatures>(async (t) => {
  const result = siftFeatures(createImage(t.width, t.height, t.channels, t.data), t.options, workspace);
  return { result, transfer: [result.keypoints.buffer, result.responses.buffer, result.descriptors.buffer] as ArrayBuffer[] };
});
