/**
 * Worker side of `exactKnnParallel`: runs `knnRange` on a query range, reading the shared data in
 * place and writing into the shared outputs; the reply carries no payload.
 */
import { serveTasks } from '../core/workerTask.ts';
import { knnRange, type FlatTask } from './flat.ts';

serveTasks<FlatTask, null>(async (t) => {
  knnRange(t.data, t.n, t.dim, null, t.queries, t.qStart, t.qCount, t.k, t.metric, t.labels, t.distances);
  return { result: null };
});
