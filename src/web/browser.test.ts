/**
 * The web page in a real browser (Debian's chromium through playwright-core) against the real server
 * on a small real collection (~74 world street-view photos). Each test does one task with the mouse,
 * checks what the page shows, and saves a full-page screenshot to test-artifacts/web/<task>.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { sharedData, tmpDir } from '../../test/helpers.ts';
import { CHROMIUM, DESKTOP, PHONE, artifacts, browserSkipReason, buildPageIfStale, launchChromium, recordProblems, webRoot } from '../../test/browserKit.ts';
import { buildServeCollection } from '../../test/serveFixture.ts';
import { cifarColour, sceneColour, writeFixtureFiles, writeFixtureManifest } from '../../test/classifierFixture.ts';
import { createServer } from '../server/app.ts';

// Without chromium the tests are skipped locally, but CI must have it (it installs it with apt).
const skip = browserSkipReason([{ path: sharedData, what: '../shared/data' }]);

let dir: string;
let photos: string[];
let app: FastifyInstance;
let base: string;
let browser: Browser;

before(async () => {
  if (skip) return;
  assert.ok(fs.existsSync(CHROMIUM), `CI needs chromium at ${CHROMIUM} for the web page tests (apt-get install chromium)`);
  buildPageIfStale();
  dir = tmpDir('deja-web-');
  photos = await buildServeCollection(dir);
  // Classification networks for Classify and Attack: the mean-colour fixtures, cifar-colour with its input-gradient graph, scene-colour without.
  const models = path.join(dir, 'models');
  const manifest = writeFixtureManifest(models, [...writeFixtureFiles(models, cifarColour, { gradient: true }).cards, ...writeFixtureFiles(models, sceneColour).cards]);
  app = await createServer({ collection: path.join(dir, 'collection'), webRoot, manifest });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens the page at a tab and records the page's script errors and failed requests; `done` saves the
 * screenshot and asserts there were none but the `expected` ones.
 */
async function openTab(tab: string, options = DESKTOP): Promise<{ page: Page; requests: string[]; done: (name: string, expected?: RegExp) => Promise<void> }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = recordProblems(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.goto(`${base}/#${tab}`);
  await page.getByTestId('header-counts').filter({ hasText: 'photos' }).waitFor();
  return {
    page,
    requests,
    done: async (name, expected) => {
      await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
      await context.close();
      assert.deepEqual(problems.filter((p) => !expected?.test(p)), [], 'the page had no script errors or failed requests');
    },
  };
}

/** Waits until every image matching `selector` has loaded, and answers their natural widths. */
async function loadedWidths(page: Page, selector: string): Promise<number[]> {
  await page.waitForFunction((s) => [...document.querySelectorAll<HTMLImageElement>(s)].every((i) => i.complete), selector);
  return page.$$eval(selector, (imgs) => (imgs as HTMLImageElement[]).map((i) => i.naturalWidth));
}

/** The collection's counts, as the API reports them. */
async function info(): Promise<{ photos: number; geotagged: number }> {
  return (await fetch(`${base}/api/info`)).json() as Promise<{ photos: number; geotagged: number }>;
}

/** Six consecutive photos of one trip (Firenze, then Assisi, 12-13 Oct 2023), each with EXIF GPS and capture time. */
const TRIP = ['IMG_7797.jpg', 'IMG_7805.jpg', 'IMG_7806.jpg', 'IMG_7808.jpg', 'IMG_7847.jpg', 'IMG_7848.jpg'].map((f) => path.join(sharedData, 'geotagged-europe-trips/images', f));

/** Switches Locate to trip mode, uploads the TRIP photos, and waits for the results. */
async function locateTrip(page: Page): Promise<void> {
  await page.getByTestId('locate-mode-trip').check();
  await page.getByTestId('locate-trip-files').setInputFiles(TRIP);
  await page.getByTestId('locate-trip-chosen-count').filter({ hasText: '6 photos' }).waitFor();
  await page.getByTestId('locate-trip-run').click();
  await page.locator('[data-testid=locate-trip-progress][data-state=done]').waitFor({ timeout: 60_000 });
  await page.locator('svg[data-testid=locate-trip-map][data-ready=true]').waitFor();
}

const distances = (page: Page) => page.getByTestId('search-distance').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-distance'))));

// The timeout is the whole suite's: thirteen tests on two busy cores.
describe('the web page', { skip, timeout: 300_000 }, () => {
  test('search: an uploaded collection photo finds itself first, at distance about 0', async () => {
    const { page, done } = await openTab('search');
    await page.getByTestId('search-file').setInputFiles(photos[5]);
    await page.getByTestId('search-k').fill('8');
    await page.getByTestId('search-run').click();
    await page.getByTestId('search-result').first().waitFor();
    assert.equal(await page.getByTestId('search-result').count(), 8);
    const d = await distances(page);
    assert.ok(d[0] < 1e-3, `the photo itself comes first at distance ≈ 0 (got ${d[0]})`);
    assert.ok(d.every((v, i) => i === 0 || v >= d[i - 1]), `distances grow down the list: ${d}`);
    assert.ok(d[1] > 1e-3, 'the second is another photo, at a real distance');
    assert.match(await page.getByTestId('search-result').first().innerText(), new RegExp(path.basename(photos[5]).replace('.', '\\.')));
    assert.ok((await loadedWidths(page, '[data-testid=search-results] img')).every((w) => w > 0), 'every thumbnail loaded');
    await done('search');
  });

  test("search: the server's error shows as one line, and choosing another photo clears it", async () => {
    const notPhoto = path.join(dir, 'not-a-photo.jpg');
    fs.writeFileSync(notPhoto, 'these are not the pixels you are looking for\n');
    const { page, done } = await openTab('search');
    await page.getByTestId('search-file').setInputFiles(notPhoto);
    await page.getByTestId('search-run').click();
    const error = page.getByTestId('search-error');
    await error.waitFor();
    const line = await error.innerText();
    assert.ok(line.length > 0 && !line.includes('\n'), `one line: ${line}`);
    assert.match(line, /not-a-photo\.jpg|image/i, 'it says what was wrong');
    assert.equal(await page.getByTestId('search-result').count(), 0);
    await page.screenshot({ path: path.join(artifacts, 'search-error.png'), fullPage: true });
    await page.getByTestId('search-file').setInputFiles(photos[5]);
    assert.ok(await error.isHidden(), 'the stale error is gone as soon as the input is fixed');
    await page.getByTestId('search-run').click();
    await page.getByTestId('search-result').first().waitFor();
    assert.ok(await error.isHidden());
    await done('search-error-cleared', /status of 4\d\d/); // the browser logs the failed request itself
  });

  test('search: the encoder is chosen from a menu of the collection\'s encoders, and a result opens full size with a download', async () => {
    const { page, done } = await openTab('search');
    const menu = page.getByTestId('search-encoder');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=search-encoder] option').length > 1);
    const options = await menu.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual([...options].sort(), ['gist', 'gist+lab-hist', 'gist+tiny', 'gist+tiny+lab-hist', 'lab-hist', 'tiny', 'tiny-gray'], 'the stored encoders and their combinations');
    assert.equal(await menu.inputValue(), 'gist', "the task's default is selected");
    assert.equal(await menu.evaluate((e) => e.tagName), 'SELECT', 'a menu, not a text box');
    await menu.selectOption('tiny');
    await page.getByTestId('search-file').setInputFiles(photos[5]);
    await page.getByTestId('search-run').click();
    await page.getByTestId('search-result').first().waitFor();
    assert.match(await page.getByTestId('search-summary').innerText(), /by tiny,/);
    await page.getByTestId('search-result').nth(1).getByTestId('open-photo').click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    const [large] = await loadedWidths(page, '[data-testid=viewer-image]');
    const [small] = await loadedWidths(page, '[data-testid=search-result] img');
    assert.ok(large > small, `shown larger than its thumbnail (${large} vs ${small} px wide)`);
    assert.match(await page.getByTestId('viewer-facts').innerText(), /Distance[\s\S]*Photo[\s\S]*id \d+/);
    const link = page.getByTestId('viewer-download');
    assert.match((await link.getAttribute('download')) ?? '', /\.jpg$/);
    const got = await fetch(new URL((await link.getAttribute('href'))!, base));
    assert.equal(got.headers.get('content-type'), 'image/jpeg');
    const src = await page.getByTestId('viewer-image').getAttribute('src');
    assert.match(src ?? '', /^\/api\/photos\/\d+\/original$/, "the viewer shows the photo's own file, full size");
    assert.equal(await link.getAttribute('href'), src, 'and the download is that file');
    const shown = /Photo\s+(.+?) \(id \d+\)/.exec(await page.getByTestId('viewer-facts').innerText())![1];
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), fs.readFileSync(shown), 'byte for byte the indexed file');
    assert.equal(large, (await sharp(fs.readFileSync(shown)).metadata()).width, 'at its full width');
    await page.screenshot({ path: path.join(artifacts, 'search-viewer.png') });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    await done('search-encoder-menu');
  });

  test('header: the photo count and what the collection can do, not its encoders and megabytes', async () => {
    const { page, done } = await openTab('search');
    const counts = await page.getByTestId('header-counts').innerText();
    assert.match(counts, /^\d+ photos · all geotagged · all labelled \(\d+ labels\)$/);
    const header = await page.locator('header').innerText();
    assert.doesNotMatch(header, /encoders|MB|kB|gist/);
    const can = await page.getByTestId('header-capability').evaluateAll((els) => els.map((e) => [e.getAttribute('data-tab'), e.getAttribute('data-ready')]));
    assert.deepEqual(can, ['search', 'complete', 'locate', 'colorize', 'classify'].map((t) => [t, 'true']), 'the fixture serves every task');
    await page.getByTestId('header-capability').filter({ hasText: 'Locate' }).locator('a').click();
    assert.ok(await page.getByTestId('panel-locate').isVisible(), 'a capability opens its tab');
    await page.screenshot({ path: path.join(artifacts, 'header.png'), clip: { x: 0, y: 0, width: 1280, height: 160 } });
    await done('header');
  });

  test('complete: paint, undo, paint again, and the ranked completions appear beside the original', async () => {
    const { page, done } = await openTab('complete');
    await page.getByTestId('complete-file').setInputFiles(photos[10]);
    const canvas = page.getByTestId('complete-mask-canvas');
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    const hole = () => page.getByTestId('complete-hole').evaluate((e) => Number((e as HTMLElement).dataset.pixels ?? 0));
    const drag = async (y: number) => {
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * y, { steps: 12 });
      await page.mouse.up();
    };
    await drag(0.3);
    assert.ok((await hole()) > 0, 'the stroke painted a hole');
    await page.getByTestId('complete-undo').click();
    assert.equal(await hole(), 0, 'undo removed the only stroke');
    await drag(0.6);
    const [painted, area] = [await hole(), await canvas.evaluate((c) => (c as HTMLCanvasElement).width * (c as HTMLCanvasElement).height)];
    assert.ok(painted > 0.01 * area && painted < 0.2 * area, `the second stroke painted a stroke-sized hole (${painted} of ${area} px)`);
    await page.getByTestId('complete-method').selectOption('scene');
    await page.getByTestId('complete-k').fill('3');
    await page.getByTestId('complete-scenes').fill('20'); // context matching on 20 scenes, not all: a faster test
    await page.getByTestId('complete-run').click();
    assert.ok(await page.getByTestId('complete-progress').isVisible(), 'progress shows as soon as the job starts');
    await page.locator('[data-testid=complete-progress][data-state=done]').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('complete-progress').innerText(), /done: 3 completions by scene/);
    assert.match(await page.getByTestId('complete-original').locator('xpath=..').innerText(), /20 of \d+ scenes matched/);
    assert.equal(await page.getByTestId('complete-result').count(), 3);
    const widths = await loadedWidths(page, '[data-testid=complete-results] img');
    assert.ok(widths.length >= 4 && widths.every((w) => w > 0), `the original and every completion loaded: ${widths}`);
    // Page coordinates, read in one go: the results scroll smoothly into view, so two boundingBox() calls could straddle a scroll step.
    const [original, first] = await page.evaluate(() =>
      ['complete-original', 'complete-image'].map((id) => {
        const r = document.querySelector(`[data-testid=${id}]`)!.getBoundingClientRect();
        return { x: r.x + scrollX, y: r.y + scrollY };
      }),
    );
    assert.ok(Math.abs(original.y - first.y) < 2 && first.x > original.x, `the first completion sits beside the original: ${JSON.stringify([original, first])}`);
    const downloads = await page.getByTestId('complete-download').evaluateAll((as) => as.map((a) => [a.getAttribute('download'), a.getAttribute('href')]));
    assert.deepEqual(downloads.map(([name]) => name), ['completion-01.png', 'completion-02.png', 'completion-03.png'], 'each completion can be downloaded');
    assert.equal((await fetch(new URL(downloads[0][1]!, base))).headers.get('content-type'), 'image/png');
    await page.getByTestId('complete-result').first().getByTestId('open-photo').click();
    await page.getByTestId('viewer').waitFor();
    assert.match(await page.getByTestId('viewer-facts').innerText(), /Score[\s\S]*Filled from/);
    assert.equal(await page.getByTestId('viewer-download').getAttribute('download'), 'completion-01.png');
    await page.getByTestId('viewer-close').click();
    await done('complete');
  });

  test('locate: the map shows the estimate, the voting neighbours and the EXIF truth; the text the coordinates and the error', async () => {
    // A collection photo re-encoded with EXIF GPS (44.266° N, 19.889° E): the page marks it as the truth.
    const withGps = path.join(dir, 'with-gps.jpg');
    await sharp(photos[20])
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '44/1 15/1 5760/100', GPSLongitudeRef: 'E', GPSLongitude: '19/1 53/1 1900/100' } })
      .jpeg()
      .toFile(withGps);
    const { page, requests, done } = await openTab('locate');
    await page.getByTestId('locate-file').setInputFiles(withGps);
    await page.getByTestId('locate-run').click();
    const map = page.locator('svg[data-testid=locate-map]');
    await map.locator('[data-testid=map-estimate]').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('locate-estimate').innerText(), /\d+\.\d+°\s[NS], \d+\.\d+°\s[EW]/);
    assert.match(await page.getByTestId('locate-truth').innerText(), /^44\.2660°\sN, 19\.8886°\sE — error [\d,.]+ k?m$/);
    assert.equal(await map.locator('[data-testid=map-truth]').count(), 1);
    assert.equal(await map.locator('[data-testid=map-line]').count(), 1, 'a line from the estimate to the truth');
    const voted = await map.locator('[data-testid=map-neighbour][data-voted=true]').count();
    assert.ok(voted >= 1, 'at least one neighbour voted');
    const jobs = requests.filter((r) => r.includes('/api/jobs/') && !r.includes('/files/'));
    assert.ok(jobs.length === 1 && /^GET \/api\/jobs\/[0-9a-f]+\/events$/.test(jobs[0]), `followed through the event stream alone: ${jobs}`);
    assert.equal(await map.locator('[data-testid=map-neighbour]').count(), await page.getByTestId('locate-neighbour').count());
    await page.locator('svg[data-testid=locate-map][data-ready=true]').waitFor();
    await page.getByText('Map rendered by the server').click();
    assert.ok((await loadedWidths(page, '[data-testid=locate-server-map]'))[0] > 0, 'the server-rendered map loaded');
    await done('locate');
  });

  test('locate a trip: six photos of one trip give one route, a row each with coordinates, and errors against their GPS', async () => {
    const { page, done } = await openTab('locate');
    assert.ok(await page.getByTestId('locate-photo-mode').isVisible(), 'Locate opens on one photo');
    await locateTrip(page);
    assert.ok(await page.getByRole('radio', { name: 'A trip (several photos)' }).isChecked());
    assert.ok(await page.getByTestId('locate-photo-mode').isHidden(), 'trip mode hides the one-photo form');
    const rows = page.getByTestId('locate-trip-row');
    const skipped = await page.locator('[data-testid=locate-trip-skipped] li').count();
    const n = await rows.count();
    assert.equal(n + skipped, 6, `every photo is a row or skipped (${n} rows, ${skipped} skipped)`);
    assert.ok(n >= 5, `at most one photo skipped (${n} rows)`);
    const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')!));
    assert.deepEqual(names, TRIP.map((f) => path.basename(f)).filter((f) => names.includes(f)), 'rows in time order');
    for (const testid of ['locate-trip-sequence', 'locate-trip-single']) {
      const cells = page.locator(`[data-testid=locate-trip-row] [data-testid=${testid}]`);
      assert.equal(await cells.count(), n, `a ${testid} estimate in every row`);
      for (const text of await cells.allInnerTexts()) assert.match(text, /^\d+\.\d{3}°\s[NS], \d+\.\d{3}°\s[EW]$/, testid);
      const coords = await cells.evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-lat')), Number(e.getAttribute('data-lon'))]));
      assert.ok(coords.every(([lat, lon]) => Math.abs(lat) <= 90 && Math.abs(lon) <= 180), `${testid}: ${JSON.stringify(coords)}`);
    }
    // Every photo has EXIF GPS: both errors show in km, and the summary gives their medians.
    for (const testid of ['locate-trip-error-sequence', 'locate-trip-error-single']) {
      const km = await page.getByTestId(testid).evaluateAll((els) => els.map((e) => ({ km: Number(e.getAttribute('data-km')), text: e.textContent })));
      assert.equal(km.length, n);
      assert.ok(km.every((e) => e.km >= 0 && e.km < 20_100 && /^[\d,.]+ k?m$/.test(e.text ?? '')), `${testid}: ${JSON.stringify(km)}`);
    }
    assert.match(await page.getByTestId('locate-trip-summary').innerText(), new RegExp(`^${n} photos located in 1 trip .* Median error against the photo GPS: along the trip [\\d,.]+ k?m over ${n} photos, alone [\\d,.]+ k?m over ${n} photos\\.$`));
    const map = page.locator('svg[data-testid=locate-trip-map]');
    assert.equal(await map.locator('[data-testid=map-route]').count(), 1, 'one route: the photos make one trip');
    assert.match((await map.locator('[data-testid=map-route]').getAttribute('d')) ?? '', /^M[\d.,-]+L/, 'the route is a drawn line');
    for (const kind of ['map-sequence', 'map-single', 'map-truth']) assert.equal(await map.locator(`[data-testid=${kind}]`).count(), n, `one ${kind} point per photo`);
    assert.equal(await map.locator('[data-testid=map-truth-route]').count(), 1, 'the route by photo GPS');
    await done('locate-trip');

    const phone = await openTab('locate', PHONE);
    await locateTrip(phone.page);
    assert.equal(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'trip mode fits a 390 px screen');
    // Far below a phone's fold, and inside the table's scroll box: every thumbnail still loads, unscrolled.
    const thumbs = await loadedWidths(phone.page, '[data-testid=locate-trip-thumb]');
    assert.ok(thumbs.length >= 5 && thumbs.every((w) => w > 0), `every trip thumbnail loaded: ${thumbs}`);
    await phone.done('phone-locate-trip');
  });

  test('colorize: a gray photo gets the input, average and result panels, and the result loads', async () => {
    const gray = path.join(dir, 'gray.jpg');
    await sharp(photos[30]).grayscale().jpeg().toFile(gray);
    const { page, done } = await openTab('colorize');
    await page.getByTestId('colorize-file').setInputFiles(gray);
    await page.getByTestId('colorize-k').fill('8');
    await page.getByTestId('colorize-run').click();
    await page.getByTestId('colorize-result').waitFor({ timeout: 60_000 });
    for (const panel of ['colorize-gray', 'colorize-average', 'colorize-result']) {
      assert.ok((await loadedWidths(page, `[data-testid=${panel}]`))[0] > 0, `${panel} loaded`);
    }
    assert.ok((await page.getByTestId('colorize-match').count()) >= 1, 'the matches are shown');
    const download = page.getByTestId('colorize-result-download');
    assert.match((await download.getAttribute('download')) ?? '', /^colorized-.*\.png$/, 'the colorization can be downloaded');
    assert.equal((await fetch(new URL((await download.getAttribute('href'))!, base))).headers.get('content-type'), 'image/png');
    await done('colorize');

    const phone = await openTab('colorize', PHONE);
    await phone.page.getByTestId('colorize-file').setInputFiles(gray);
    await phone.page.getByTestId('colorize-k').fill('8');
    await phone.page.getByTestId('colorize-run').click();
    await phone.page.getByTestId('colorize-result').waitFor({ timeout: 60_000 });
    await loadedWidths(phone.page, '[data-testid=colorize-result]');
    const box = await phone.page.getByTestId('colorize-result').evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: innerHeight };
    });
    assert.ok(box.top >= 0 && box.top < box.height / 2, `on a phone the result comes up into view: ${JSON.stringify(box)}`);
    await phone.page.screenshot({ path: path.join(artifacts, 'phone-colorize-result.png') });
    await phone.done('phone-colorize-result-full');
  });

  test('classify: score bars per label, the top one the verdict', async () => {
    const { page, done } = await openTab('classify');
    await page.getByTestId('classify-file').setInputFiles(photos[40]);
    await page.getByTestId('classify-run').click();
    await page.getByTestId('classify-bar').first().waitFor();
    const bars = await page.getByTestId('classify-bar').evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('data-label'), score: Number(e.getAttribute('data-score')) })));
    assert.ok(bars.length >= 1 && bars.every((b) => b.score >= 0), `bars: ${JSON.stringify(bars)}`);
    assert.equal(await page.getByTestId('classify-label').innerText(), bars[0].label, 'the verdict is the highest bar');
    assert.ok((await page.getByTestId('classify-neighbour').count()) >= 1);
    await done('classify');
  });

  test('classify: a network chosen from the model menu answers its most probable classes, without the k-NN options', async () => {
    const { page, requests, done } = await openTab('classify');
    const menu = page.getByTestId('classify-model');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=classify-model] option').length === 3);
    const options = await menu.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    assert.deepEqual(options, [['', 'label transfer (kNN)'], ['cifar-colour', 'cifar-colour'], ['scene-colour', 'scene-colour']], 'the k-NN vote first, then the classifiers of the manifest');
    assert.equal(await menu.inputValue(), '', 'label transfer by default');
    await menu.selectOption('cifar-colour');
    assert.ok(await page.getByTestId('classify-k').isHidden(), 'the k-NN options are hidden for a network');
    await page.getByTestId('classify-file').setInputFiles(photos[40]);
    await page.getByTestId('classify-run').click();
    await page.getByTestId('classify-bar').first().waitFor();
    const bars = await page.getByTestId('classify-bar').evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('data-label')!, score: Number(e.getAttribute('data-score')) })));
    assert.equal(bars.length, 5, 'the 5 most probable classes');
    assert.ok(bars.every((b, i) => cifarColour.classes.includes(b.label) && b.score > 0 && b.score < 1 && (i === 0 || b.score <= bars[i - 1].score)), `CIFAR classes, most probable first: ${JSON.stringify(bars)}`);
    assert.equal(await page.getByTestId('classify-label').innerText(), bars[0].label, 'the verdict is the most probable class');
    assert.match(await page.getByTestId('classify-summary').innerText(), /^By the network cifar-colour: its 5 most probable of 10 classes/);
    assert.equal(await page.getByTestId('classify-neighbour').count(), 0, 'a network has no voting neighbours');
    assert.equal(requests.filter((r) => r === 'GET /api/models').length, 1, 'the models are asked for once');
    await done('classify-model');
  });

  test('attack: fgsm at ε 4/255 shows the panel, the scores before and after and the change; a model without a gradient graph offers only one-pixel', async () => {
    const { page, done } = await openTab('attack');
    const model = page.getByTestId('attack-model');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=attack-model] option').length === 2);
    assert.deepEqual(await model.locator('option').allInnerTexts(), ['cifar-colour', 'scene-colour (no gradient graph)']);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=attack-method] option').length === 4);
    assert.equal(await page.getByTestId('attack-method').inputValue(), 'pgd', "the registry's default");
    await page.getByTestId('attack-method').selectOption('fgsm');
    assert.equal(await page.getByTestId('attack-eps-value').innerText(), '8/255');
    await page.getByTestId('attack-eps').focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getByTestId('attack-eps-value').innerText(), '4/255', 'the slider moves in steps of 1/255');
    assert.ok(await page.getByTestId('attack-pixels').isHidden(), 'pixels are for one-pixel only');
    await page.getByTestId('attack-file').setInputFiles(photos[40]);
    await page.getByTestId('attack-run').click();
    await page.locator('[data-testid=attack-progress][data-state=done]').waitFor({ timeout: 60_000 });
    const verdict = page.getByTestId('attack-verdict');
    const success = (await verdict.getAttribute('data-success')) === 'true';
    assert.match(await verdict.innerText(), success ? /^Success: [a-z]+ → [a-z]+$/ : /^No success: still [a-z]+$/);
    const [panelWidth] = await loadedWidths(page, '[data-testid=attack-panel]');
    assert.ok(panelWidth > 300, `the panel loaded (${panelWidth} px wide)`);
    assert.deepEqual(await loadedWidths(page, '[data-testid=attack-adversarial]'), [32], 'the adversarial image is the 32×32 crop the model sees');
    const facts = await page.getByTestId('attack-facts').innerText();
    assert.match(facts, /fgsm on cifar-colour, ε 4\/255/);
    const linf = Number(/L∞ ([\d.]+)\/255/.exec(facts)![1]);
    assert.ok(linf > 0 && linf <= 4, `within ε: L∞ ${linf}/255`);
    for (const side of ['before', 'after']) {
      const labels = await page.getByTestId(`attack-${side}-bar`).evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
      assert.equal(labels.length, 5, `the 5 most probable classes ${side}`);
    }
    const top = async (side: string) => page.getByTestId(`attack-${side}-bar`).first().getAttribute('data-label');
    assert.equal(success, (await top('before')) !== (await top('after')), 'success means the most probable class changed');
    const download = page.getByTestId('attack-adversarial-download');
    assert.equal(await download.getAttribute('download'), 'fgsm.png');
    assert.equal((await fetch(new URL((await download.getAttribute('href'))!, base))).headers.get('content-type'), 'image/png');

    await model.selectOption('scene-colour');
    const disabled = await page.getByTestId('attack-method').locator('option').evaluateAll((os) => os.filter((o) => (o as HTMLOptionElement).disabled).map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(disabled, ['fgsm', 'pgd', 'eot'], 'gradient methods are disabled');
    assert.equal(await page.getByTestId('attack-method').inputValue(), 'one-pixel');
    assert.match(await page.getByTestId('attack-note').innerText(), /scene-colour has no input-gradient graph/);
    assert.ok((await page.getByTestId('attack-pixels').isVisible()) && (await page.getByTestId('attack-eps').isHidden()), 'one-pixel takes pixels, not ε');
    await page.getByTestId('attack-pixels-3').check();
    assert.ok(await page.getByTestId('attack-pixels-3').isChecked());
    await done('attack');

    const phone = await openTab('attack', PHONE);
    await phone.page.waitForFunction(() => document.querySelectorAll('[data-testid=attack-method] option').length === 4);
    await phone.page.getByTestId('attack-method').selectOption('fgsm');
    await phone.page.getByTestId('attack-file').setInputFiles(photos[40]);
    await phone.page.getByTestId('attack-run').click();
    await phone.page.locator('[data-testid=attack-progress][data-state=done]').waitFor({ timeout: 60_000 });
    await loadedWidths(phone.page, '[data-testid=attack-panel]');
    assert.equal(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'the attack and its panel fit a 390 px screen');
    const box = await phone.page.getByTestId('attack-panel').evaluate((e) => e.getBoundingClientRect().width);
    assert.ok(box <= 390 - 24 + 1, `the panel is scaled to the screen (${box} px)`);
    await phone.page.screenshot({ path: path.join(artifacts, 'phone-attack-result.png') });
    await phone.done('phone-attack');
  });

  test('browse: pages of 48 thumbnails, a map of every geotagged photo, and a click searches by the photo', async () => {
    const { photos: total, geotagged } = await info();
    assert.ok(total > 48 && total <= 96, `the fixture fills two pages (${total} photos)`);
    const { page, done } = await openTab('browse');
    const grid = page.getByTestId('browse-photo');
    await page.getByTestId('browse-page').filter({ hasText: 'page 1 of 2' }).waitFor();
    assert.equal(await grid.count(), 48);
    const names = await page.locator('[data-testid=browse-grid] .name').allInnerTexts();
    const natural = new Intl.Collator('en', { numeric: true });
    assert.deepEqual(names, [...names].sort(natural.compare), `natural order, 2 before 10: ${names.slice(0, 8)}`);
    assert.notDeepEqual(names, [...names].sort(), 'not character order (0, 109, 127, …, 22)');
    const firstId = await grid.first().getAttribute('data-id');
    await page.locator('svg[data-testid=browse-map] [data-testid=map-photo]').first().waitFor();
    const points = await page.locator('svg[data-testid=browse-map] [data-testid=map-photo]').count();
    assert.equal(points, geotagged, 'every geotagged photo is on the map');
    await page.locator('svg[data-testid=browse-map][data-ready=true]').waitFor();
    await done('browse');

    const again = await openTab('browse');
    await again.page.getByTestId('browse-page').filter({ hasText: 'page 1 of 2' }).waitFor();
    await again.page.getByTestId('browse-next').click();
    await again.page.getByTestId('browse-page').filter({ hasText: 'page 2 of 2' }).waitFor();
    assert.equal(await again.page.getByTestId('browse-photo').count(), total - 48);
    assert.notEqual(await again.page.getByTestId('browse-photo').first().getAttribute('data-id'), firstId, 'the next page shows other photos');
    assert.ok(await again.page.getByTestId('browse-next').isDisabled(), 'no page after the last');
    const clicked = again.page.getByTestId('browse-photo').nth(3);
    const name = await clicked.getAttribute('aria-label');
    await clicked.click();
    await again.page.getByTestId('search-result').first().waitFor();
    const d = await distances(again.page);
    assert.ok(d[0] < 0.05 * d[1], `the clicked photo finds itself first, far nearer than the next (${d[0]} vs ${d[1]})`);
    assert.equal(`Search by ${await again.page.getByTestId('search-query').locator('.name').innerText()}`, name);
    await again.done('browse-search');
  });

  test('phone size: no tab overflows a 390 px wide screen, and a finger paints the mask', async () => {
    const { page, done } = await openTab('search', PHONE);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const check = async (tab: string) => {
      assert.equal(await overflow(), 0, `${tab} fits the width`);
      await page.screenshot({ path: path.join(artifacts, `phone-${tab}.png`), fullPage: true });
    };
    await page.getByTestId('search-file').setInputFiles(photos[5]);
    await page.getByTestId('search-run').click();
    await page.getByTestId('search-result').first().waitFor();
    await check('search');

    await page.getByTestId('tab-complete').click();
    await page.getByTestId('complete-file').setInputFiles(photos[10]);
    const box = (await page.getByTestId('complete-mask-canvas').boundingBox())!;
    assert.ok(box.width <= 390, 'the photo fits the screen');
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=complete-hole]')?.dataset.pixels) > 0);
    await check('complete');

    await page.getByTestId('tab-locate').click();
    await page.getByTestId('locate-file').setInputFiles(photos[20]);
    await page.getByTestId('locate-run').click();
    await page.locator('svg[data-testid=locate-map][data-ready=true]').waitFor({ timeout: 60_000 });
    await check('locate');

    await page.getByTestId('tab-colorize').click();
    await check('colorize');

    await page.getByTestId('tab-classify').click();
    await page.getByTestId('classify-file').setInputFiles(photos[40]);
    await page.getByTestId('classify-run').click();
    await page.getByTestId('classify-bar').first().waitFor();
    await check('classify');

    await page.getByTestId('tab-attack').click();
    await check('attack');

    await page.getByTestId('tab-browse').click();
    await page.locator('svg[data-testid=browse-map][data-ready=true]').waitFor();
    await check('browse');
    await done('phone');
  });
});
