import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '../src/core/rng.ts';
import { decodeFile } from '../src/io/decode.ts';
import { psnr } from '../src/imgproc/quality.ts';
import { colourfulness } from '../src/decoders/colorize/colorfulness.ts';
import { grayFromLightness, lightness } from '../src/decoders/colorize/meanChroma.ts';
import { writeImage } from '../src/io/encode.ts';
import { deja, hasSharedData, sharedData, tmpDir } from './helpers.ts';

/** A 64×64 landscape: blue sky over a horizon at a random height, green textured ground below. */
async function landscape(file: string, rng: Rng, gray = false, side = 64): Promise<void> {
  const px = Buffer.alloc(side * side * 3);
  const horizon = Math.round(side * (0.35 + 0.3 * rng.next()));
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const t = rng.int(24);
      const rgb = y < horizon ? [90 + y, 150 + y, 235] : [50 + t, 120 + t, 40 + (t >> 1)];
      const v = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
      for (let c = 0; c < 3; c++) px[(y * side + x) * 3 + c] = gray ? v : rgb[c];
    }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: side, height: side, channels: 3 } }).png().toFile(file);
}

let dir: string;
let coll: string;
let truth: string;
let grayQuery: string;

before(async () => {
  dir = tmpDir('deja-colorize-');
  const rng = new Rng(4);
  for (let i = 0; i < 16; i++) await landscape(path.join(dir, 'colour', `${i}.png`), rng);
  for (let i = 0; i < 3; i++) await landscape(path.join(dir, 'gray', `${i}.png`), rng, true);
  truth = path.join(dir, 'truth.png');
  await landscape(truth, rng);
  grayQuery = path.join(dir, 'query-gray.png');
  await writeImage(grayFromLightness((await decodeFile(truth)).image), grayQuery);
  coll = path.join(dir, 'coll');
  const r = deja(['index', '-c', coll, '--encoders', 'tiny-gray', '-q', path.join(dir, 'colour'), path.join(dir, 'gray')]);
  assert.equal(r.code, 0, r.stderr);
});

for (const method of ['mean', 'transfer']) {
  test(`deja colorize --method ${method} restores sky and grass colours far better than the gray input`, async () => {
    const out = path.join(dir, `out-${method}.png`);
    const r = deja(['colorize', '-c', coll, grayQuery, '--out', out, '--method', method, '--k', '6', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.matches.length, 6);
    assert.equal(report.note, null);
    const original = (await decodeFile(truth)).image;
    const result = (await decodeFile(out)).image;
    const gray = (await decodeFile(grayQuery)).image;
    assert.equal(result.width, 64);
    const gain = psnr(original.data, result.data) - psnr(original.data, gray.data);
    assert.ok(gain > 4 && gain < 40, `PSNR gain over gray ${gain.toFixed(1)} dB`);
    assert.ok(colourfulness(result) > 20, `colourfulness ${colourfulness(result)}`);
    // The input's own lightness is kept (within 8-bit rounding and gamut clamping).
    const L0 = lightness(gray);
    const L1 = lightness(result);
    let err = 0;
    for (let i = 0; i < L0.length; i++) err += Math.abs(L0[i] - L1[i]) / L0.length;
    assert.ok(err < 1.5, `mean |ΔL*| ${err}`);
  });
}

test('--sheet writes the lecture panels and gray photos among the matches are passed over', () => {
  const sheet = path.join(dir, 'sheet.png');
  const r = deja(['colorize', '-c', coll, grayQuery, '--out', path.join(dir, 'o.png'), '--k', '18', '--sheet', sheet, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.skippedGray, 3);
  assert.equal(report.matches.length, 16);
  assert.ok(fs.statSync(sheet).size > 10_000);
});

test('a colour photo is colorized from its luminance, and the command says so', () => {
  const r = deja(['colorize', '-c', coll, truth, '--out', path.join(dir, 'o2.png')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /colour photo: only its luminance/);
});

test('a collection without colour photos is refused with a clear message', () => {
  const grayColl = path.join(dir, 'graycoll');
  const ix = deja(['index', '-c', grayColl, '--encoders', 'tiny-gray', '-q', path.join(dir, 'gray')]);
  assert.equal(ix.code, 0, ix.stderr);
  const r = deja(['colorize', '-c', grayColl, grayQuery, '--out', path.join(dir, 'o3.png')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /has colour.*colour photos/);
});

test('a photo smaller than the thumbnail is refused', async () => {
  const small = path.join(dir, 'small.png');
  await landscape(small, new Rng(9), true, 24);
  const r = deja(['colorize', '-c', coll, small, '--out', path.join(dir, 'o4.png')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /24×24, smaller than the 32×32 thumbnail/);
});

test('on real photos (BSDS500 collection, a Set14 photo turned gray) colorize writes a coloured result', { skip: !hasSharedData && 'needs ../shared/data' }, async () => {
  const real = path.join(dir, 'bsds');
  const ix = deja(['index', '-c', real, '--encoders', 'tiny-gray', '-q', path.join(sharedData, 'bsds500/train.tar')]);
  assert.equal(ix.code, 0, ix.stderr);
  const q = path.join(dir, 'set14-gray.png');
  await writeImage(grayFromLightness((await decodeFile(path.join(sharedData, 'sr-benchmarks/Set14/image_SRF_2/img_005_SRF_2_HR.png'))).image), q);
  const out = path.join(dir, 'set14-colour.png');
  const r = deja(['colorize', '-c', real, q, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = (await decodeFile(out)).image;
  assert.ok(colourfulness(result) > 5, `colourfulness ${colourfulness(result)}`);
  assert.equal(JSON.parse(r.stdout).matches.length, 20);
});
