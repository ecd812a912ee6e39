import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, type Option } from 'commander';
import { register as registerComplete } from '../src/cli/commands/complete.ts';
import { register as registerColorize } from '../src/cli/commands/colorize.ts';
import { register as registerSearch } from '../src/cli/commands/search.ts';
import { register as registerDuplicates } from '../src/cli/commands/duplicates.ts';
import { register as registerIndex } from '../src/cli/commands/indexPhotos.ts';
import { register as registerServe } from '../src/cli/commands/serve.ts';
import { register as registerQuickstart } from '../src/cli/commands/quickstart.ts';
import { SearchFileOptions, searchFile } from '../src/actions/searchFile.ts';
import { DuplicatesOptions, findDuplicates } from '../src/actions/duplicates.ts';
import { IngestOptions } from '../src/actions/ingest.ts';
import { QuickstartOptions, quickstart } from '../src/actions/quickstart.ts';
import { collectionInfo } from '../src/actions/info.ts';
import { modelsReport } from '../src/actions/models.ts';
import { ServeOptions } from '../src/server/serveOptions.ts';
import { silentProgress } from '../src/core/progress.ts';
import { COMPLETE_METHODS } from '../src/decoders/complete/methods.ts';
import { COLORIZE_METHODS } from '../src/decoders/colorize/methods.ts';
import { CompleteOptions, completePhoto } from '../src/actions/complete.ts';
import { ColorizeOptions, colorizeImage } from '../src/actions/colorize.ts';
import { methodMenus } from '../src/actions/methods.ts';
import { searchPhotos } from '../src/actions/shared/searchPhotos.ts';
import { openApiDocument } from '../src/server/openapi.ts';
import { routes } from '../src/server/routes/index.ts';
import { parseOptions } from '../src/core/parseOptions.ts';
import { isDejaError } from '../src/core/errors.ts';
import { createImage } from '../src/core/image.ts';
import type { Collection } from '../src/store/collection.ts';

function option(register: (p: Command) => void, command: string, long: string): Option {
  const program = new Command();
  register(program);
  const opt = program.commands.find((c) => c.name() === command)!.options.find((o) => o.long === long);
  assert.ok(opt, `${command} has ${long}`);
  return opt;
}

function multipartSchema(url: string): { properties: Record<string, { enum?: string[]; default?: unknown }> } {
  const doc = openApiDocument(routes, 'test') as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: never }> } } }> };
  return doc.paths[url].post.requestBody.content['multipart/form-data'].schema;
}

test('the completion registry drives the CLI choices, the OpenAPI enum and the web menu', () => {
  const names = Object.keys(COMPLETE_METHODS);
  assert.deepEqual(option(registerComplete, 'complete', '--method').argChoices, names);
  assert.deepEqual(multipartSchema('/api/complete').properties.method.enum, names);
  assert.deepEqual(methodMenus().complete.methods.map((m) => m.name), names);
  assert.equal(methodMenus().complete.default, CompleteOptions.parse({ mask: 'm.png' }).method);
  assert.ok(methodMenus().complete.methods.every((m) => m.description.length > 10 && !m.description.includes('\n')));
});

test('the colorization registry drives the CLI choices, the OpenAPI enum and the web menu', () => {
  const names = Object.keys(COLORIZE_METHODS);
  assert.deepEqual(option(registerColorize, 'colorize', '--method').argChoices, names);
  assert.deepEqual(multipartSchema('/api/colorize').properties.method.enum, names);
  assert.deepEqual(methodMenus().colorize.methods.map((m) => m.name), names);
  assert.equal(methodMenus().colorize.default, ColorizeOptions.parse({}).method);
});

test('the CLI takes its defaults and number bounds from the options schemas', () => {
  const defaults = CompleteOptions.parse({ mask: 'm.png' });
  assert.equal(option(registerComplete, 'complete', '--k').defaultValue, defaults.k);
  assert.equal(option(registerComplete, 'complete', '--scenes').defaultValue, defaults.scenes);
  assert.equal(option(registerComplete, 'complete', '--max-side').defaultValue, defaults.maxSide);
  assert.equal(option(registerComplete, 'complete', '--encoder').defaultValue, defaults.encoder);
  assert.equal(option(registerComplete, 'complete', '--mask-fit').defaultValue, 'stretch');
  assert.deepEqual(option(registerComplete, 'complete', '--mask-fit').argChoices, ['stretch', 'refuse']);
  const c = ColorizeOptions.parse({});
  assert.equal(option(registerColorize, 'colorize', '--spatial-weight').defaultValue, c.spatialWeight);
  assert.equal(option(registerColorize, 'colorize', '--encoder').defaultValue, c.encoder);
  const k = option(registerComplete, 'complete', '--k');
  assert.throws(() => k.parseArg!('201', undefined), /Expected integer between 1 and 200 for --k but received "201"/);
});

test('search, duplicates, index, quickstart and serve take their defaults and bounds from their options schemas', () => {
  const s = SearchFileOptions.parse({});
  for (const [long, value] of [['--encoder', s.encoder], ['--k', s.k], ['--index', s.index]] as const) assert.equal(option(registerSearch, 'search', long).defaultValue, value, long);
  assert.equal(option(registerSearch, 'search', '--no-mirror').negate, s.mirror, 'mirror is on by default, so the flag turns it off');
  assert.throws(() => option(registerSearch, 'search', '--k').parseArg!('10001', undefined), /Expected integer between 1 and 10000 for --k/);
  const d = DuplicatesOptions.parse({});
  assert.equal(option(registerDuplicates, 'duplicates', '--encoder').defaultValue, d.encoder);
  assert.equal(option(registerDuplicates, 'duplicates', '--threshold').defaultValue, d.threshold);
  assert.equal(option(registerDuplicates, 'duplicates', '--k').defaultValue, d.k);
  assert.throws(() => option(registerDuplicates, 'duplicates', '--k').parseArg!('1', undefined), /Expected integer between 2 and 100 for --k/);
  const i = IngestOptions.parse({});
  const encoders = option(registerIndex, 'index', '--encoders');
  assert.deepEqual(encoders.defaultValue, i.encoders);
  assert.equal(encoders.defaultValueDescription, i.encoders.join(','), '--help shows the list as it is typed');
  assert.deepEqual(encoders.parseArg!('gist,cnn(model=a.onnx,size=64)', undefined), ['gist', 'cnn(model=a.onnx,size=64)'], 'commas inside parentheses stay');
  assert.equal(option(registerIndex, 'index', '--pixel-limit').defaultValue, i.pixelLimit);
  assert.throws(() => option(registerIndex, 'index', '--threads').parseArg!('0', undefined), /Expected integer between 1 and 256 for --threads/, 'positive() is "at least 1" for an integer');
  assert.equal(option(registerQuickstart, 'quickstart', '--sheet').defaultValue, QuickstartOptions.parse({}).sheet);
  const v = ServeOptions.parse({ collection: 'c' });
  assert.equal(option(registerServe, 'serve', '--port').defaultValue, v.port);
  assert.equal(option(registerServe, 'serve', '--host').defaultValue, v.host);
  assert.equal(option(registerServe, 'serve', '--max-upload-mb').defaultValue * 2 ** 20, v.maxUploadBytes, 'the flag counts MiB, the field bytes');
  assert.equal(option(registerServe, 'serve', '--max-pixels').defaultValue * 1e6, v.maxPixels);
  assert.equal(option(registerServe, 'serve', '--job-timeout').defaultValue * 1000, v.jobTimeoutMs);
  assert.equal(option(registerServe, 'serve', '--max-queued').defaultValue, v.maxQueuedJobs);
  assert.equal(option(registerServe, 'serve', '--index').defaultValueDescription, v.indexes.join(' '));
  assert.throws(() => option(registerServe, 'serve', '--max-upload-mb').parseArg!('4097', undefined), /Expected integer between 1 and 4096 for --max-upload-mb/);
});

test('actions given bad options throw a one-line DejaError naming the field, never a raw zod error', async () => {
  const bad = (field: RegExp) => (e: unknown) => isDejaError(e) && e.code === 'BAD_ARGUMENT' && field.test(e.message) && !e.message.includes('\n');
  await assert.rejects(completePhoto(null, 'photo.jpg', { mask: 'm.png', k: 0 }), bad(/^invalid option k: .*\(received 0\)/));
  await assert.rejects(completePhoto(null, 'photo.jpg', { mask: 'm.png', method: 'nope' as never }), bad(/^invalid option method: .*"nope"/));
  await assert.rejects(completePhoto(null, 'photo.jpg', { mask: 'm.png', maskFit: 'crop' as never }), bad(/^invalid option maskFit/));
  const image = createImage(64, 64, 3);
  await assert.rejects(colorizeImage({} as Collection, image, { spatialWeight: 11 }), bad(/^invalid option spatialWeight/));
  await assert.rejects(searchPhotos({} as Collection, image, { k: -1 }), bad(/^invalid option k/));
  assert.throws(() => parseOptions(ColorizeOptions, { k: 'x' }, 'see /openapi.json'), (e) => isDejaError(e) && e.hint === 'see /openapi.json');
  await assert.rejects(searchFile({} as Collection, 'photo.jpg', { k: 0 }), bad(/^invalid option k/));
  await assert.rejects(findDuplicates({} as Collection, { threshold: -1 }), bad(/^invalid option threshold/));
  await assert.rejects(quickstart({} as Collection, ['x'], { k: 0 }, silentProgress), bad(/^invalid option k/));
  assert.throws(() => collectionInfo({ skippedItems: () => [] } as unknown as Collection, { skipped: 'yes' as never }), bad(/^invalid option skipped/));
  assert.throws(() => modelsReport({ manifest: '' }), bad(/^invalid option manifest/));
});
