/**
 * `deja reconstruct`'s SfM database (<out>/database.sqlite): a rerun reads every photo's features and
 * every pair's matches back and gives the same model as computing them afresh; a run killed with
 * SIGKILL half-way through SIFT resumes from what it stored, without duplicates. On Strecha's
 * fountain-P11 views shrunk to 384 px, so each run takes seconds.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { reconstruct } from '../src/actions/reconstruct.ts';
import { SfmDatabase } from '../src/store/sfmDatabase.ts';
import { deja, repoRoot, sharedData, tmpDir } from './helpers.ts';

const scene = path.join(sharedData, 'strecha-mvs/fountain-P11/images');
const skip = fs.existsSync(scene) ? false : 'needs ../shared/data/strecha-mvs';
const dir = tmpDir('deja-reconstruct-db-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function views(name: string, files: string[]): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  for (const f of files) fs.symlinkSync(path.join(scene, f), path.join(d, f));
  return d;
}

const summaryOf = (r: { summary: { registered: number; points: number; observations: number; meanReprojectionError: number } }) =>
  [r.summary.registered, r.summary.points, r.summary.observations, r.summary.meanReprojectionError];

test('a rerun reads features and matches back from <out>/database.sqlite and gives the model a fresh run gives', { skip }, async () => {
  const folder = views('rerun', ['0003.jpg', '0004.jpg', '0005.jpg', '0006.jpg', '0007.jpg']);
  const out = path.join(dir, 'rerun-out');
  const first = await reconstruct({ folder, out, maxSize: 384, threads: 1 });
  assert.equal(first.database, path.join(out, 'database.sqlite'));
  assert.equal(first.stages.features.fromDatabase, 0);
  assert.equal(first.stages.matching.fromDatabase, 0);
  assert.ok(first.summary.registered >= 4, `${first.summary.registered} registered`);
  const second = await reconstruct({ folder, out, maxSize: 384, threads: 1 });
  assert.equal(second.stages.features.fromDatabase, 5);
  assert.equal(second.stages.matching.fromDatabase, 10);
  assert.deepEqual(summaryOf(second), summaryOf(first));
  assert.equal(fs.readFileSync(path.join(out, 'points3D.txt'), 'utf8').split('\n').length, first.summary.points + 4, 'the outputs are rewritten beside the database');
  const fresh = await reconstruct({ folder, out: path.join(dir, 'rerun-fresh'), maxSize: 384, threads: 1, database: false });
  assert.equal(fresh.database, undefined);
  assert.equal(fs.existsSync(path.join(dir, 'rerun-fresh', 'database.sqlite')), false);
  assert.deepEqual(summaryOf(fresh), summaryOf(first), 'stored features and matches are what computing them gives');
  // Another SIFT setting is another entry, not a stale hit.
  const other = await reconstruct({ folder, out, maxSize: 320, threads: 1 });
  assert.equal(other.stages.features.fromDatabase, 0);
  const db = SfmDatabase.open(path.join(out, 'database.sqlite'));
  assert.deepEqual(db.counts(), { features: 10, matches: 20 });
  db.close();
});

test('killed with SIGKILL during SIFT, a rerun resumes from the stored photos without duplicates', { skip, timeout: 180_000 }, async () => {
  const files = ['0000.jpg', '0001.jpg', '0002.jpg', '0003.jpg', '0004.jpg', '0005.jpg', '0006.jpg', '0007.jpg', '0008.jpg', '0009.jpg'];
  const folder = views('killed', files);
  const out = path.join(dir, 'killed-out'), file = path.join(out, 'database.sqlite');
  const args = ['reconstruct', folder, '--out', out, '--max-size', '384', '--threads', '1', '--quiet'];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/entry.ts'), ...args], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  // SIFT stores each photo as it is done: kill once four are in, before the rest are.
  let stored = 0;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline && stored < 4;) {
    await new Promise((r) => setTimeout(r, 50));
    if (!fs.existsSync(file)) continue;
    const db = SfmDatabase.open(file);
    stored = db.counts().features;
    db.close();
  }
  child.kill('SIGKILL');
  await exited;
  assert.ok(stored >= 4 && stored < files.length, `killed with ${stored} photos' features stored`);
  const r = deja([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(report.stages.features.fromDatabase >= stored, `${report.stages.features.fromDatabase} photos read back`);
  const db = SfmDatabase.open(file);
  assert.deepEqual(db.counts(), { features: files.length, matches: (files.length * (files.length - 1)) / 2 });
  db.close();
  const fresh = await reconstruct({ folder, out: path.join(dir, 'killed-fresh'), maxSize: 384, threads: 1, database: false });
  assert.deepEqual(summaryOf(report), summaryOf(fresh));
});
