/**
 * The Reconstruct tab in a real browser (Debian's chromium through playwright-core, WebGL by
 * SwiftShader) against the real server: five fountain-P11 views (../shared/data/strecha-mvs) are
 * chosen, reconstructed at 384 px, and the page shows the summary, the top view, the three.js viewer
 * and the model files; screenshots go to test-artifacts/web/ (desktop, and a 390 × 844 phone).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { sharedData, tmpDir } from '../../test/helpers.ts';
import { DESKTOP, PHONE, artifacts, browserSkipReason, buildPageIfStale, launchChromium, recordProblems, webRoot } from '../../test/browserKit.ts';
import { createServer } from '../server/app.ts';
import { Collection } from '../store/collection.ts';

const scene = path.join(sharedData, 'strecha-mvs/fountain-P11/images');
const views = ['0003.jpg', '0004.jpg', '0005.jpg', '0006.jpg', '0007.jpg'].map((v) => path.join(scene, v));

const skip = browserSkipReason([{ path: scene, what: '../shared/data/strecha-mvs' }]);

let dir: string;
let app: FastifyInstance;
let base: string;
let browser: Browser;

before(async () => {
  if (skip) return;
  buildPageIfStale();
  dir = tmpDir('deja-web-reconstruct-');
  // Reconstruction needs no collection; the server answers over an empty one.
  Collection.open(path.join(dir, 'collection'), { create: true }).close();
  app = await createServer({ collection: path.join(dir, 'collection'), webRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium({ webgl: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Reconstructs the five views in the tab and checks what it shows; returns the page's problems. */
async function reconstructIn(options: BrowserContextOptions, screenshot: string): Promise<{ problems: string[]; overflow: number }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = recordProblems(page);
  await page.goto(`${base}/#reconstruct`);
  await page.getByTestId('panel-reconstruct').waitFor();
  await page.getByTestId('reconstruct-files').setInputFiles(views);
  await page.getByTestId('reconstruct-chosen-count').filter({ hasText: '5 photos' }).waitFor();
  await page.getByTestId('reconstruct-max-size').fill('384');
  await page.getByTestId('reconstruct-run').click();
  await page.getByTestId('reconstruct-progress').and(page.locator('[data-state="done"]')).waitFor({ timeout: 120_000 });
  const canvas = page.getByTestId('reconstruct-viewer');
  await canvas.waitFor({ timeout: 30_000 });
  const summary = await page.getByTestId('reconstruct-summary').innerText();
  assert.match(summary, /Registered\s+[45] of 5 photos/, summary);
  assert.match(summary, /Points\s+\d{3,}/, summary);
  const box = (await canvas.boundingBox())!;
  assert.ok(box.width > 300 && box.height > 200, `viewer ${box.width}×${box.height}`);
  // The canvas shows coloured points and yellow frusta on the dark background (read back from WebGL).
  const drawn = () => page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="reconstruct-viewer"]')!;
    const probe = document.createElement('canvas');
    [probe.width, probe.height] = [c.width, c.height];
    const g = probe.getContext('2d')!;
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let points = 0, frusta = 0, hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] > 200 && d[i + 1] > 160 && d[i + 2] < 110) frusta++;
      else if (Math.abs(d[i] - 24) + Math.abs(d[i + 1] - 26) + Math.abs(d[i + 2] - 30) > 40) points++;
      hash = (hash * 31 + d[i] + 7 * d[i + 1]) % 1_000_000_007;
    }
    return { points, frusta, hash };
  });
  const before = await drawn();
  assert.ok(before.points > 200 && before.frusta > 50, `drawn pixels: ${JSON.stringify(before)}`);
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="reconstruct-topview"]')].every((i) => i.complete && i.naturalWidth > 0));
  await page.screenshot({ path: path.join(artifacts, screenshot), fullPage: true });
  // Orbiting redraws: drag across the canvas.
  await canvas.hover();
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 20, { steps: 5 });
  await page.mouse.up();
  assert.notEqual((await drawn()).hash, before.hash, 'dragging orbits the view');
  for (const name of ['cameras-txt', 'images-txt', 'points3D-txt', 'points-ply', 'scene-json']) assert.ok(await page.getByTestId(`reconstruct-file-${name}`).getAttribute('href'), name);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await context.close();
  return { problems, overflow };
}

test('Reconstruct: five photos become a summary, a top view, a three.js point cloud with camera frusta and model files', { skip }, async () => {
  const { problems } = await reconstructIn(DESKTOP, 'reconstruct.png');
  assert.deepEqual(problems, [], 'the page had no script errors or failed requests');
});

test('Reconstruct on a phone: the viewer and the results fit a 390 px screen', { skip }, async () => {
  const { problems, overflow } = await reconstructIn(PHONE, 'phone-reconstruct.png');
  assert.deepEqual(problems, []);
  assert.equal(overflow, 0, 'nothing is wider than the screen');
});

test('Reconstruct refuses one photo in the page, before any upload', { skip }, async () => {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  await page.goto(`${base}/#reconstruct`);
  await page.getByTestId('reconstruct-files').setInputFiles(views.slice(0, 1));
  await page.getByTestId('reconstruct-run').click();
  await page.getByTestId('reconstruct-error').filter({ hasText: 'two or more photos' }).waitFor();
  await context.close();
});
