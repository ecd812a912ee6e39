import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { barPlotSvg, linePlotSvg, niceTicks, svgToPng } from './plot.ts';

test('nice ticks are round and cover the range', () => {
  assert.deepEqual(niceTicks(0.21, 0.39), [0.2, 0.25, 0.3, 0.35, 0.4]);
  const t = niceTicks(3, 97);
  assert.ok(t[0] <= 3 && t[t.length - 1] >= 97 && t.length <= 7);
});

test('a line plot renders to a PNG of the requested size with coloured lines', async () => {
  const svg = linePlotSvg(
    [
      { name: 'tiny <raw>', points: [[1000, 0.22], [5000, 0.27], [50000, 0.35]] },
      { name: 'gist', points: [[1000, 0.3], [5000, 0.38], [50000, 0.45]] },
    ],
    { title: 'CIFAR-10 accuracy', xLabel: 'collection size', yLabel: 'accuracy', xLog: true, width: 600, height: 300 },
  );
  assert.match(svg, /tiny &lt;raw&gt;/);
  assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  const png = await svgToPng(svg);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 600);
  assert.equal(info.height, 300);
  let coloured = 0;
  for (let i = 0; i < data.length; i += 3) if (Math.abs(data[i] - data[i + 2]) > 80) coloured++;
  assert.ok(coloured > 200, `coloured pixels ${coloured}`);
});

test('a bar plot has one bar per value, and taller values give taller bars', () => {
  const svg = barPlotSvg([{ label: 'a', value: 0.2 }, { label: 'b', value: 0.4 }], { title: 't', xLabel: 'x', yLabel: 'y' });
  const heights = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 2);
  assert.ok(heights[1] > 1.9 * heights[0] && heights[1] < 2.1 * heights[0]);
});
