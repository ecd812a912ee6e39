import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { locateMapSvg, renderLocateMap, type LocateMapInput } from './worldMap.ts';

const world: LocateMapInput = {
  neighbours: [
    { latitude: 41.9, longitude: 12.49, weight: 1, voted: true },
    { latitude: 41.8, longitude: 12.6, weight: 0.5, voted: true },
    { latitude: -33.9, longitude: 151.2, weight: 0.2, voted: false },
  ],
  modes: [
    { latitude: 41.85, longitude: 12.55, support: 0.8 },
    { latitude: -33.9, longitude: 151.2, support: 0.2 },
  ],
  estimate: { latitude: 41.85, longitude: 12.55, label: 'Rome, IT' },
};

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.round(y) * info.width + Math.round(x)) * 3;
  return [data[i], data[i + 1], data[i + 2]];
}

test('a world map is chosen when the neighbours span two hemispheres, with modes labelled by support', () => {
  const svg = locateMapSvg(world, { width: 600 });
  assert.match(svg, /height="330"/);
  assert.match(svg, /#1 80%/);
  assert.match(svg, /#2 20%/);
  assert.match(svg, /Rome, IT/);
  assert.doesNotMatch(svg, /km<\/text>/, 'no scale bar on a world map');
});

test('the rendered PNG has land, ocean and a red voting neighbour where the projection puts them', async () => {
  const png = await renderLocateMap({ ...world, estimate: { latitude: 0, longitude: -30 } }, { width: 600 });
  const meta = await sharp(png).metadata();
  assert.equal(meta.width, 600);
  assert.equal(meta.height, 330);
  // Natural Earth projection of the world fitted to 600 × 330: the Sahara is land, the mid-Pacific water.
  const [r, g, b] = await pixel(png, 300 + 15, 130);
  assert.ok(r > 200 && g > 200 && b < 230 && r > b, `Sahara ${r},${g},${b}`);
  const [r2, , b2] = await pixel(png, 60, 185);
  assert.ok(b2 > r2, `Pacific ${r2},${b2}`);
});

test('a campus-sized set of points gets a regional map with a scale bar in metres', () => {
  const pts = [[39.9516, -75.1922], [39.9522, -75.1932], [39.9505, -75.1975]];
  const svg = locateMapSvg({
    neighbours: pts.map(([latitude, longitude]) => ({ latitude, longitude, weight: 1, voted: true })),
    modes: [{ latitude: 39.952, longitude: -75.193, support: 1 }],
    estimate: { latitude: 39.952, longitude: -75.193 },
    truth: { latitude: 39.9518, longitude: -75.1925 },
  }, { width: 800 });
  assert.match(svg, /height="600"/);
  assert.match(svg, /\d+ m<\/text>/);
  assert.match(svg, /green: truth/);
  assert.doesNotMatch(svg, /probability/);
});
