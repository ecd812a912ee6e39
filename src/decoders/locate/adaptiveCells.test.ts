import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../../core/rng.ts';
import { haversineKm } from '../../math/greatCircle.ts';
import { adaptiveCells } from './adaptiveCells.ts';

const csv = path.resolve(import.meta.dirname, '../../../../shared/data/world-streetview/photos.csv');

test('every photo falls in its own cell, cells respect the thresholds, and cellAt finds the same cell', () => {
  const rng = new Rng(3);
  // Dense clusters (cities) and a sparse scatter over the globe.
  const lat: number[] = [];
  const lon: number[] = [];
  for (const [clat, clon, k] of [[48.85, 2.35, 300], [40.7, -74.0, 200], [-33.9, 151.2, 60]] as const)
    for (let i = 0; i < k; i++) {
      lat.push(clat + (rng.next() - 0.5) * 0.2);
      lon.push(clon + (rng.next() - 0.5) * 0.2);
    }
  for (let i = 0; i < 200; i++) {
    lat.push((Math.asin(2 * rng.next() - 1) * 180) / Math.PI);
    lon.push(rng.next() * 360 - 180);
  }
  const { cells, cellOfPhoto, cellAt } = adaptiveCells(lat, lon, { maxPhotos: 40, minPhotos: 5 });
  assert.ok(cells.length > 15, `${cells.length} cells`);
  for (const c of cells) assert.ok(c.count >= 5 && (c.count <= 40 || c.level === 20), JSON.stringify(c));
  const counted = new Int32Array(cells.length);
  for (let p = 0; p < lat.length; p++) {
    assert.equal(cellAt(lat[p], lon[p]), cellOfPhoto[p], `photo ${p} at ${lat[p]}, ${lon[p]}`);
    if (cellOfPhoto[p] >= 0) counted[cellOfPhoto[p]]++;
  }
  cells.forEach((c, i) => assert.equal(counted[i], c.count));
  // Dense places get small cells: Paris's cells are far deeper than the scatter's.
  const paris = cells[cellOfPhoto[0]];
  assert.ok(paris.level >= 6, `Paris cell at level ${paris.level}`);
  assert.ok(haversineKm(paris.latitude, paris.longitude, 48.85, 2.35) < 15, 'the cell answer is near its photos');
  // Sparse photos get coarse cells (or none, in leaves under minPhotos).
  const scattered = Array.from(cellOfPhoto.subarray(560));
  const coarse = scattered.filter((c) => c < 0 || cells[c].level <= 2).length;
  assert.ok(coarse > 180, `${coarse} of the 200 scattered photos in coarse or no cells`);
  assert.ok(scattered.some((c) => c < 0), 'some fall in leaves too small to keep');
  assert.throws(() => adaptiveCells(lat, lon, { maxPhotos: 3, minPhotos: 5 }), /minPhotos <= maxPhotos/);
});

test('on world-streetview the cells cover most photos and a photo is on average within a few hundred km of its cell answer', { skip: !fs.existsSync(csv) && 'needs ../shared/data' }, () => {
  const rows = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const lat = rows.map((r) => Number(r[1]));
  const lon = rows.map((r) => Number(r[2]));
  const { cells, cellOfPhoto } = adaptiveCells(lat, lon, { maxPhotos: 30, minPhotos: 5 });
  const covered = Array.from(cellOfPhoto).filter((c) => c >= 0).length;
  assert.ok(covered / lat.length > 0.8, `${covered} of ${lat.length} photos in a cell`);
  assert.ok(cells.length >= 30 && cells.length <= 240, `${cells.length} cells`);
  const errors = lat.map((_, p) => (cellOfPhoto[p] >= 0 ? haversineKm(lat[p], lon[p], cells[cellOfPhoto[p]].latitude, cells[cellOfPhoto[p]].longitude) : NaN)).filter(Number.isFinite).sort((a, b) => a - b);
  const median = errors[errors.length >> 1];
  assert.ok(median < 600, `median photo-to-cell-answer distance ${median.toFixed(0)} km (the best a perfect cell classifier does)`);
});
