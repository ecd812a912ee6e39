import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focalFromExif } from './focalFromExif.ts';

const cases: [string, Parameters<typeof focalFromExif>[0], number, number, string][] = [
  ['a 35 mm-equivalent focal length wins', { camera: 'Apple iPhone 4S', focalLengthMm: 4.28, focalLength35mm: 35 }, 1200, (35 / 36) * 1200, 'exif-35mm'],
  ['an APS-C Canon uses its 22.3 mm sensor', { camera: 'Canon EOS REBEL T2i', focalLengthMm: 250, focalLength35mm: null }, 1200, (250 / 22.3) * 1200, 'exif-sensor'],
  ['a Nikon DX body uses 23.5 mm', { camera: 'NIKON CORPORATION NIKON D50', focalLengthMm: 26, focalLength35mm: null }, 800, (26 / 23.5) * 800, 'exif-sensor'],
  ['a full-frame Canon uses 36 mm', { camera: 'Canon EOS 5D Mark III', focalLengthMm: 70, focalLength35mm: null }, 1000, (70 / 36) * 1000, 'exif-sensor'],
  ['a D7200 is DX, not FX', { camera: 'NIKON D7200', focalLengthMm: 35, focalLength35mm: null }, 1000, (35 / 23.5) * 1000, 'exif-sensor'],
  ['an unknown compact falls back to 1.2 × the longer side', { camera: 'FUJIFILM FinePix S4500', focalLengthMm: 30, focalLength35mm: null }, 1200, 1440, 'guess'],
  ['no EXIF falls back to 1.2 × the longer side', { camera: null, focalLengthMm: null, focalLength35mm: null }, 640, 768, 'guess'],
];

for (const [name, exif, longSide, f, source] of cases) {
  test(`focalFromExif: ${name}`, () => {
    const r = focalFromExif(exif, longSide);
    assert.equal(r.source, source);
    assert.ok(Math.abs(r.f - f) < 1e-9, `${r.f} vs ${f}`);
  });
}
