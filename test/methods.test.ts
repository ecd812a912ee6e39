import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, type Option } from 'commander';
import { register as registerComplete } from '../src/cli/commands/complete.ts';
import { register as registerColorize } from '../src/cli/commands/colorize.ts';
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

test('actions given bad options throw a one-line DejaError naming the field, never a raw zod error', async () => {
  const bad = (field: RegExp) => (e: unknown) => isDejaError(e) && e.code === 'BAD_ARGUMENT' && field.test(e.message) && !e.message.includes('\n');
  await assert.rejects(completePhoto(null, 'photo.jpg', { mask: 'm.png', k: 0 }), bad(/^invalid option k: .*\(received 0\)/));
  await assert.rejects(completePhoto(null, 'photo.jpg', { mask: 'm.png', method: 'nope' as never }), bad(/^invalid option method: .*"nope"/));
  await assert.rejects(completePhoto(null, 'photo.jpg', { mask: 'm.png', maskFit: 'crop' as never }), bad(/^invalid option maskFit/));
  const image = createImage(64, 64, 3);
  await assert.rejects(colorizeImage({} as Collection, image, { spatialWeight: 11 }), bad(/^invalid option spatialWeight/));
  await assert.rejects(searchPhotos({} as Collection, image, { k: -1 }), bad(/^invalid option k/));
  assert.throws(() => parseOptions(ColorizeOptions, { k: 'x' }, 'see /openapi.json'), (e) => isDejaError(e) && e.hint === 'see /openapi.json');
});
