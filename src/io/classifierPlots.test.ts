import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { confusionMatrixSvg, reliabilityDiagramSvg } from './classifierPlots.ts';
import { svgToPng } from './plot.ts';

test('the reliability diagram draws one accuracy bar per non-empty bin, as tall as its accuracy, and renders to PNG', async () => {
  const bins = Array.from({ length: 15 }, (_, m) => ({ lower: m / 15, upper: (m + 1) / 15, count: m === 7 || m === 14 ? 10 : 0, confidence: m === 7 ? 0.5 : 0.97, accuracy: m === 7 ? 0.25 : 0.5 }));
  const svg = reliabilityDiagramSvg(bins, 'model <a> & b');
  assert.match(svg, /model &lt;a&gt; &amp; b/);
  const bars = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[0-9.]+\.[0-9]" height="([^"]+)" fill="#1f77b4"\/>/g)].map((m) => Number(m[1]));
  assert.equal(bars.length, 2);
  assert.ok(Math.abs(bars[1] / bars[0] - 2) < 0.01, `heights ${bars}`);
  const meta = await sharp(await svgToPng(svg)).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 520, 520]);
});

test('the confusion heat map has a cell per (true, predicted) pair, counts printed, darker for a larger share of the row', async () => {
  const svg = confusionMatrixSvg([3, 1, 0, 4], ['cat', 'dog'], 'confusion');
  const cells = [...svg.matchAll(/<rect x="\d+" y="\d+" width="48" height="48" fill="rgb\((\d+),/g)].map((m) => Number(m[1]));
  assert.equal(cells.length, 4);
  assert.ok(cells[0] < cells[1], 'the 3 of 4 cell is darker than the 1 of 4');
  assert.equal(cells[2], 255, 'an empty cell is white');
  assert.ok((svg.match(/>3</g) ?? []).length === 1 && (svg.match(/>4</g) ?? []).length === 1);
  const meta = await sharp(await svgToPng(svg)).metadata();
  assert.equal(meta.format, 'png');
});
