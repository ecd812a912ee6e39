import path from 'node:path';
import { DejaError } from '../core/errors.ts';
import type { ModelCard } from '../nn/manifest.ts';
import { cardForFile, checkCardMatchesGraph, defaultManifestPath, modelCard, modelFileSha256, modelFileSignature, verifyModelFile } from '../nn/modelRegistry.ts';
import type { OnnxValueInfo } from '../nn/onnxSignature.ts';

/** ImageNet's per-channel statistics, the default normalisation of a model without a card. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * Everything the cnn encoder needs to feed a model and read its embedding, known at creation: from the
 * model's card in `manifest.json` when it has one (its sha256 checked), else from the ONNX graph's own
 * input and output shapes, with the spec's options on top.
 */
export interface CnnContract {
  file: string;
  sha256: string;
  card?: ModelCard;
  input: string;
  output: string;
  size: number;
  channels: 1 | 3;
  layout: 'NCHW' | 'NHWC';
  mean: number[];
  std: number[];
  /** Values per photo in the output (its non-batch dimensions multiplied). */
  dim: number;
  /** Whether the model takes any batch size (first input dimension symbolic); else one photo per run. */
  dynamicBatch: boolean;
}

/**
 * Resolves `cnn(model=…)` to its contract.
 * @param options the spec's options: `model` (a path, or the name of a card in the package manifest),
 *   `size`, `mean`, `std`, `output`, `dim`
 * @throws DejaError for a missing model, a file whose sha256 differs from its card (the rebuild command in
 *   the hint), an unknown output, a size the model does not take, or an embedding size that cannot be known
 */
export function resolveCnnContract(options: Readonly<Record<string, string>>): CnnContract {
  const ref = options.model;
  if (!ref) throw new DejaError('BAD_ARGUMENT', 'the cnn encoder needs a model', { hint: 'use --encoder "cnn(model=path/to/model.onnx)" or a name from deja models' });
  const byName = !/[/\\]/.test(ref) && !ref.endsWith('.onnx');
  let file = ref;
  let card: ModelCard | undefined;
  if (byName) {
    card = modelCard(ref);
    file = verifyModelFile(card, defaultManifestPath());
  } else {
    modelFileSha256(ref); // NOT_FOUND before anything else
    const found = cardForFile(ref);
    if (found) verifyModelFile(found.card, found.manifest);
    card = found?.card;
  }
  // A card says everything (checked against the graph); a model without one is read for its graph's input and output shapes.
  const signature = card ? void checkCardMatchesGraph(card, file) : modelFileSignature(file);
  const input = card ? { name: card.input.name, shape: card.input.shape } : signature?.inputs[0];
  if (!input) throw new DejaError('MODEL_ERROR', 'ONNX model has no input', { file });
  const layout = card?.input.layout ?? 'NCHW';
  const channelAxis = layout === 'NCHW' ? 1 : 3;
  const channels = card?.input.channels ?? (input.shape[channelAxis] === 1 ? 1 : 3);
  const side = input.shape[layout === 'NCHW' ? 2 : 1];
  const size = Number(options.size ?? card?.input.size ?? (typeof side === 'number' ? side : 224));
  if (!Number.isInteger(size) || size < 8 || size > 1024)
    throw new DejaError('BAD_ARGUMENT', `Expected integer between 8 and 1024 for cnn size but received ${options.size}`);
  const spatial = layout === 'NCHW' ? input.shape.slice(2, 4) : input.shape.slice(1, 3);
  if (spatial.some((d) => typeof d === 'number' && d !== size))
    throw new DejaError('BAD_ARGUMENT', `Expected size=${spatial.join('x')} for this model but received size=${size}`, {
      file,
      hint: `its input ${input.name} is [${input.shape.join(', ')}]`,
    });
  const mean = options.mean ? triple(options.mean, 'mean', channels) : (card?.input.mean ?? pick(IMAGENET_MEAN, channels));
  const std = options.std ? triple(options.std, 'std', channels) : (card?.input.std ?? pick(IMAGENET_STD, channels));
  if (std.some((s) => s <= 0)) throw new DejaError('BAD_ARGUMENT', `Expected positive std for cnn but received ${options.std}`);
  const outputs: OnnxValueInfo[] = card ? card.outputs : (signature?.outputs ?? []);
  const output = outputs.find((o) => o.name === (options.output ?? outputs[0]?.name));
  if (!output)
    throw new DejaError('BAD_ARGUMENT', `model has no output "${options.output}": must be one of [${outputs.map((o) => o.name).join(', ')}]`, { file });
  const dim = embeddingDim(output, options.dim, file);
  return { file, sha256: modelFileSha256(file), card, input: input.name, output: output.name, size, channels, layout, mean, std, dim, dynamicBatch: typeof input.shape[0] !== 'number' };
}

/** Values per photo: the output's non-batch dimensions multiplied, checked against `dim=` when given. */
function embeddingDim(output: OnnxValueInfo, given: string | undefined, file: string): number {
  const rest = output.shape.slice(1);
  const known = rest.every((d) => typeof d === 'number') ? rest.reduce<number>((a, d) => a * (d as number), 1) : undefined;
  const asked = given === undefined ? undefined : Number(given);
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1))
    throw new DejaError('BAD_ARGUMENT', `Expected positive integer for cnn dim but received ${given}`);
  if (known !== undefined && asked !== undefined && known !== asked)
    throw new DejaError('BAD_ARGUMENT', `Expected dim=${known} for output ${output.name} of shape [${output.shape.join(', ')}] but received dim=${asked}`, { file });
  const dim = known ?? asked;
  if (dim === undefined)
    throw new DejaError('MODEL_ERROR', `the embedding size of output ${output.name} [${output.shape.join(', ')}] is not fixed`, {
      file,
      hint: 'pass dim= in the spec, or give the model a card in manifest.json',
    });
  return dim;
}

function triple(text: string, what: string, channels: number): number[] {
  const v = text.split('/').map(Number);
  if (v.length !== channels || v.some((x) => !Number.isFinite(x)))
    throw new DejaError('BAD_ARGUMENT', `Expected ${channels} numbers like ${Array(channels).fill('0.5').join('/')} for cnn ${what} but received ${text}`);
  return v;
}

function pick(rgb: number[], channels: number): number[] {
  return channels === 3 ? rgb : [rgb.reduce((a, b) => a + b, 0) / 3];
}

/** The spec's model name: the file's base name. */
export function modelSpecName(contract: CnnContract): string {
  return path.basename(contract.file);
}
