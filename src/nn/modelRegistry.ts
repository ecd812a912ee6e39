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
  if (!card) throw unknownName('model', name, manifest.models.map((m) => m.name));
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
 * @throws DejaError NOT_FOUND when the file is missing, MODEL_ERROR when it is not an ONNX model
 */
export function modelFileSignature(file: string): OnnxSignature {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new DejaError('NOT_FOUND', 'ONNX model file not found', { file, hint: 'check the model= path' });
  }
  try {
    return readOnnxSignature(bytes);
  } catch (e) {
    throw new DejaError('MODEL_ERROR', `cannot read ONNX model: ${(e as Error).message}`, { file, hint: 'check that the file is a valid ONNX model' });
  }
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
