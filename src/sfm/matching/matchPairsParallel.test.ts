/**
 * matchImagePairsParallel gives matchImagePairs' reports, pair for pair, on real photos: six
 * fountain-P11 views (../shared/data/strecha-mvs) at 340 px, all 15 pairs, on 1 and 2 worker threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../../io/decode.ts';
import { siftFeaturesBatch } from '../features/siftBatch.ts';
import { exhaustivePairs, matchImagePairs } from './matchImagePairs.ts';
import { matchImagePairsParallel } from './matchPairsParallel.ts';

const scene = path.resolve(import.meta.dirname, '../../../../shared/data/strecha-mvs/fountain-P11/images');
const skip = fs.existsSync(scene) ? false : 'needs ../shared/data/strecha-mvs';

test('the parallel matcher returns the sequential reports in pair order, on 1 and 2 threads, and hands every chunk over once', { skip }, async () => {
  const images = await Promise.all(['0002', '0003', '0004', '0005', '0006', '0007'].map(async (n) => (await decodeImage(fs.readFileSync(path.join(scene, `${n}.jpg`)), { gray: true, minSide: 340 })).image));
  const features = await siftFeaturesBatch(images, {}, 2);
  const pairs = exhaustivePairs(features.length);
  const options = { verify: { threshold: 2, ransac: { seed: 3 } } };
  const sequential = matchImagePairs(features, pairs, options);
  const strip = (r: (typeof sequential.pairs)[number]) => [r.i, r.j, r.configuration, r.inlierCount, Array.from(r.matches.pairs), Array.from(r.matches.distances), r.inliers && Array.from(r.inliers)];
  assert.ok(sequential.report.verifiedPairs >= 10, `${sequential.report.verifiedPairs} verified pairs`);
  for (const threads of [1, 2]) {
    const chunks: number[] = [];
    let last = 0;
    const parallel = await matchImagePairsParallel(features, pairs, { ...options, progress: (done, total) => ((last = done), assert.equal(total, 15)) }, threads, (part) => chunks.push(part.length));
    assert.deepEqual(parallel.pairs.map(strip), sequential.pairs.map(strip), `${threads} threads`);
    assert.ok(parallel.pairs.every((r) => r.geometry === null));
    assert.deepEqual({ ...parallel.report, ms: 0 }, { ...sequential.report, ms: 0 });
    assert.equal(chunks.reduce((a, b) => a + b, 0), 15);
    assert.equal(last, 15);
  }
});
