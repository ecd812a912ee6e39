import path from 'node:path';
import { z } from 'zod';
import { parseOptions } from '../core/parseOptions.ts';
import type { Image } from '../core/image.ts';
import { resolveClassifier, runClassifier, type ClassifierContract } from '../nn/classifierModel.ts';
import { decodeLogits } from '../decoders/recognize/networkClassifier.ts';
import { queryPhoto } from './shared/photoImage.ts';
import { ModelRunOptions } from './shared/modelRunOptions.ts';

/** Options of `deja classify --model`. */
export const ModelClassifyOptions = ModelRunOptions.extend({
  model: z.string().min(1).describe('A classification card from `deja models`, or an .onnx file with its card in a manifest.json beside it.'),
  top: z.number().int().min(1).max(1000).default(5).describe('Classes reported per photo, most probable first.'),
  manifest: z.string().optional().describe("The manifest.json a model name is looked up in (default: the package's models/manifest.json)."),
});
export type ModelClassifyOptions = z.input<typeof ModelClassifyOptions>;

/** `deja classify --model --json`, per photo: what the k-NN result says (label, scores best first), from a network. */
export interface ModelClassifyResult {
  /** The photo's absolute path (the upload's name on the server). */
  query: string;
  /** The most probable class. */
  label: string;
  /** The `top` most probable classes, best first; `score` is the softmax probability of the logits, 0 … 1. */
  scores: { label: string; score: number }[];
  /** The model's card name and file sha256. */
  model: string;
  sha256: string;
  top: number;
  /** Classes the softmax is over. */
  classes: number;
}

/**
 * Classifies decoded photos with a classification network (instead of the k-NN vote of a collection):
 * each photo resized and centre-cropped as the card says, the batch run through onnxruntime, and the
 * logits decoded by softmax into the top classes.
 * @param names per photo, the `query` to report
 * @throws DejaError for the model (see `resolveClassifier`) or a run that fails
 * @example const [r] = await classifyImagesByModel([image], ['a.jpg'], { model: 'cifar-resnet20' });
 */
export async function classifyImagesByModel(
  images: readonly Image[],
  names: readonly string[],
  rawOptions: ModelClassifyOptions,
  contract?: ClassifierContract,
): Promise<ModelClassifyResult[]> {
  const options = parseOptions(ModelClassifyOptions, rawOptions);
  const c = contract ?? resolveClassifier(options.model, { manifest: options.manifest });
  const { logits } = await runClassifier(c, images, options);
  const top = Math.min(options.top, c.classes.length);
  return decodeLogits(logits, images.length, c.classes, top).map((p, i) => ({
    query: names[i],
    label: p.label,
    scores: p.scores,
    model: c.name,
    sha256: c.sha256,
    top,
    classes: c.classes.length,
  }));
}

/**
 * Reads photo files and classifies them with a network; no collection is needed. The model is checked
 * (card, sha256, shapes) before any photo is read.
 * @throws DejaError for the model, and NOT_FOUND, NOT_AN_IMAGE, CORRUPT_IMAGE naming a photo that cannot be read
 */
export async function classifyFilesByModel(files: readonly string[], rawOptions: ModelClassifyOptions): Promise<ModelClassifyResult[]> {
  const options = parseOptions(ModelClassifyOptions, rawOptions);
  const contract = resolveClassifier(options.model, { manifest: options.manifest });
  const images: Image[] = [];
  for (const file of files) images.push((await queryPhoto(file, contract.input.size)).image);
  return classifyImagesByModel(images, files.map((f) => path.resolve(f)), options, contract);
}
