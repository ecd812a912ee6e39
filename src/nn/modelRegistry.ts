import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DejaError, unknownName } from '../core/errors.ts';
import { parseManifest, type Manifest, type ModelCard } from './manifest.ts';
import { readOnnxSignature, type OnnxSignature } from './onnxSignature.ts';

/**
 * The models Deja knows: the cards of a `manifest.json` (by default the package's `models/manifest.json`),
 * and the check that a model file is the one its card describes (Immich pins each model the same way).
 */

/** The package's own manifest, `models/manifest.json` beside `src/` (or `dist/`). */
export function defaultManifestPath(): string {
  return path.resolve(import.meta.dirname, '..', '..', 'models', 'manifest.json');
}

/**
 * Reads and validates a manifest.
 * @param file path of a `manifest.json`
 * @throws DejaError NOT_FOUND when the file is missing, BAD_ARGUMENT when it is not valid JSON or a field is invalid
 */
export function readManifest(file = defaultManifestPath()): Manifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DejaError('NOT_FOUND', 'model manifest not found', { file, hint: 'pass --manifest with the path of a manifest.json' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DejaError('BAD_ARGUMENT', `model manifest is not valid JSON: ${(e as Error).message}`, { file });
  }
  return parseManifest(value, file);
}

/**
 * The card named `name`.
 * @throws DejaError UNKNOWN_NAME listing the manifest's models
 */
export function modelCard(name: string, file = defaultManifestPath()): ModelCard {
  const manifest = readManifest(file);
  const card = manifest.models.find((m) => m.name === name);
  if (!card) {
    const e = unknownName('model', name, manifest.models.map((m) => m.name));
    throw new DejaError(e.code, e.message, { file, hint: '`deja models` lists them with their cards; or pass the path of an .onnx file' });
  }
  return card;
}

/**
 * The card that describes a model file: the `manifest.json` in the file's folder, if any, and its card
 * whose `file` is this one. Undefined for a model without a card (the user's own export).
 */
export function cardForFile(modelFile: string): { card: ModelCard; manifest: string } | undefined {
  const manifest = path.join(path.dirname(path.resolve(modelFile)), 'manifest.json');
  if (!fs.existsSync(manifest)) return undefined;
  const card = readManifest(manifest).models.find((m) => m.file === path.basename(modelFile));
  return card && { card, manifest };
}

const digests = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/**
 * Hex sha256 of a file, cached while its size and modification time stay the same.
 * @throws DejaError NOT_FOUND when the file is missing
 */
export function modelFileSha256(file: string): string {
  const full = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new DejaError('NOT_FOUND', 'ONNX model file not found', { file, hint: 'check the model= path' });
  }
  if (!stat.isFile()) throw new DejaError('BAD_ARGUMENT', 'the model is not a regular file', { file });
  const hit = digests.get(full);
  if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return hit.sha256;
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  digests.set(full, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
  return sha256;
}

/**
 * The graph inputs and outputs of a model file, read without creating a session.
 * @param name the model's name for the message (its card's name, or the file's)
 * @throws DejaError NOT_FOUND when the file is missing, MODEL_ERROR when it is not an ONNX model
 */
export function modelFileSignature(file: string, name = path.basename(file)): OnnxSignature {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new DejaError('NOT_FOUND', 'ONNX model file not found', { file, hint: 'check the model= path' });
  }
  const hint = 'export it again with torch.onnx.export (or the recipe on its card); `deja models` shows the cards';
  let signature: OnnxSignature;
  try {
    signature = readOnnxSignature(bytes);
  } catch (e) {
    throw new DejaError('MODEL_ERROR', `model ${name} is not an ONNX file (${(e as Error).message})`, { file, hint });
  }
  if (signature.inputs.length === 0 || signature.outputs.length === 0)
    throw new DejaError('MODEL_ERROR', `model ${name} is not an ONNX file (its graph has no ${signature.inputs.length === 0 ? 'inputs' : 'outputs'})`, { file, hint });
  return signature;
}

const shapeText = (shape: readonly (number | string | null)[]) => `[${shape.map((d) => d ?? '?').join(', ')}]`;

/**
 * Checks that a card describes its file's graph: the card's input is a graph input of rank 4 whose
 * fixed dimensions are the card's (so the photo pipeline's `size`×`size` crop in `channels` fits it), its
 * `extraInputs` are graph inputs of their shapes, and every output of the card is a graph output whose fixed dimensions agree. Symbolic dimensions (`N`)
 * agree with anything.
 * @returns the graph's signature
 * @throws DejaError MODEL_ERROR naming the model, the tensor, the graph's shape and the card's, with the recipe
 */
export function checkCardMatchesGraph(card: ModelCard, file: string): OnnxSignature {
  const graph = modelFileSignature(file, card.name);
  const hint = `fix the card in manifest.json, or rebuild the model with: ${card.recipe}`;
  const input = graph.inputs.find((i) => i.name === card.input.name);
  if (!input)
    throw new DejaError('MODEL_ERROR', `model ${card.name} has no input "${card.input.name}" (its card's): the graph takes [${graph.inputs.map((i) => i.name).join(', ')}]`, { file, hint });
  const agree = (g: readonly (number | string | null)[], c: readonly (number | string)[]) =>
    g.length === c.length && g.every((d, i) => typeof d !== 'number' || typeof c[i] !== 'number' || d === c[i]);
  if (!agree(input.shape, card.input.shape))
    throw new DejaError('MODEL_ERROR', `model ${card.name} takes input ${input.name} ${shapeText(input.shape)} but its card says ${shapeText(card.input.shape)} (size ${card.input.size}, ${card.input.channels} channels, ${card.input.layout})`, { file, hint });
  for (const extra of card.extraInputs ?? []) {
    const g = graph.inputs.find((i) => i.name === extra.name);
    if (!g) throw new DejaError('MODEL_ERROR', `model ${card.name} has no input "${extra.name}" (its card's): the graph takes [${graph.inputs.map((i) => i.name).join(', ')}]`, { file, hint });
    if (!agree(g.shape, extra.shape)) throw new DejaError('MODEL_ERROR', `model ${card.name} takes input ${extra.name} ${shapeText(g.shape)} but its card says ${shapeText(extra.shape)}`, { file, hint });
  }
  for (const o of card.outputs) {
    const g = graph.outputs.find((x) => x.name === o.name);
    if (!g) throw new DejaError('MODEL_ERROR', `model ${card.name} has no output "${o.name}" (its card's): the graph gives [${graph.outputs.map((x) => x.name).join(', ')}]`, { file, hint });
    if (!agree(g.shape, o.shape)) throw new DejaError('MODEL_ERROR', `model ${card.name} gives output ${o.name} ${shapeText(g.shape)} but its card says ${shapeText(o.shape)}`, { file, hint });
  }
  return graph;
}

/** The file a card names, as a path. */
export function cardFilePath(card: ModelCard, manifest: string): string {
  return path.join(path.dirname(manifest), card.file);
}

/**
 * Checks that the file a card names exists and has the card's sha256.
 * @returns the file's path
 * @throws DejaError NOT_FOUND or MODEL_ERROR, with the card's recipe command in the hint
 */
export function verifyModelFile(card: ModelCard, manifest: string): string {
  const file = cardFilePath(card, manifest);
  const hint = `rebuild it with: ${card.recipe}`;
  if (!fs.existsSync(file)) throw new DejaError('NOT_FOUND', `model file of ${card.name} not found`, { file, hint });
  const sha256 = modelFileSha256(file);
  if (sha256 !== card.sha256)
    throw new DejaError('MODEL_ERROR', `model ${card.name} has sha256 ${sha256.slice(0, 12)}…, its card expects ${card.sha256.slice(0, 12)}…`, { file, hint });
  return file;
}

/** A card with the state of its file: `ok`, `missing`, or `sha256 differs`. */
export interface ModelListing extends ModelCard {
  path: string;
  status: 'ok' | 'missing' | 'sha256 differs';
}

/**
 * Every card of a manifest, each with its file checked.
 * @example listModels().map((m) => `${m.name} ${m.status}`) // ['tiny-cnn ok']
 */
export function listModels(file = defaultManifestPath()): ModelListing[] {
  return readManifest(file).models.map((card) => {
    const p = cardFilePath(card, file);
    const status = !fs.existsSync(p) ? 'missing' : modelFileSha256(p) === card.sha256 ? 'ok' : 'sha256 differs';
    return { ...card, path: p, status };
  });
}
