import { DejaError } from '../core/errors.ts';
import type { ClassifierContract } from './classifierModel.ts';
import type { ModelCard } from './manifest.ts';
import { checkCardMatchesGraph, modelCard, verifyModelFile } from './modelRegistry.ts';

/**
 * A classifier's input-gradient graph, `<name>-grad.onnx` (train/deja_train/input_gradient.py): the
 * backward pass of the eval-mode network written as forward ops, so onnxruntime can give the loss
 * gradient with respect to the input image. The classifier's card names it (`gradient`), its own card
 * (task `input-gradient`) names the classifier and the sha256 of the weights it was exported from
 * (`gradientOf`), and both are checked before any photo is read.
 *
 * Graph: `image` [N, C, S, S] (normalised as the classifier's card says) and `label` [N, K] float32 (the
 * target distribution: a one-hot of the class whose loss is differentiated) → `loss` [N]
 * (−Σ label · log softmax z), `gradient` [N, C, S, S] (d loss / d image, normalised units) and
 * optionally `logits` [N, K] (the classifier's own, so one run scores the iterate too).
 */
export interface InputGradientContract {
  /** The gradient card's name, e.g. `cifar-resnet20-grad`. */
  name: string;
  file: string;
  sha256: string;
  card: ModelCard;
  /** Graph input names: the normalised image (the classifier's input name) and the label distribution. */
  image: string;
  label: string;
  /** Output names. */
  loss: string;
  gradient: string;
  /** The logits output, when the graph gives it. */
  logits: string | null;
}

/** The hint for a classifier without a usable gradient graph: how to get one, and the black-box way round. */
function noGradientHint(c: ClassifierContract): string {
  return `re-export it with its recipe (${c.card.recipe}), which writes ${c.name}-grad.onnx and its card beside it; or attack it as a black box with --method one-pixel`;
}

/**
 * The input-gradient graph of a classifier, checked: the card the classifier names, of task
 * `input-gradient`, exported from this classifier's weights (same sha256), with the same input
 * preprocessing, its file's sha256, and its inputs and outputs in the graph.
 * @throws DejaError MODEL_ERROR naming the classifier and saying what to do: no gradient graph, a card
 *   the manifest lacks, one of another task, from other weights, with another input, or a file that differs
 * @example resolveInputGradient(resolveClassifier('cifar-resnet20')).name // 'cifar-resnet20-grad'
 */
export function resolveInputGradient(c: ClassifierContract): InputGradientContract {
  const hint = noGradientHint(c);
  if (!c.card.gradient) throw new DejaError('MODEL_ERROR', `model ${c.name} has no gradient graph (its card names none), so gradient attacks cannot run on it`, { file: c.manifest, hint });
  let card: ModelCard;
  try {
    card = modelCard(c.card.gradient, c.manifest);
  } catch {
    throw new DejaError('MODEL_ERROR', `the gradient graph of ${c.name}, "${c.card.gradient}", has no card in its manifest`, { file: c.manifest, hint });
  }
  if (card.task !== 'input-gradient') throw new DejaError('MODEL_ERROR', `the gradient graph of ${c.name}, ${card.name}, is a ${card.task} card, not input-gradient`, { file: c.manifest, hint });
  if (card.gradientOf?.sha256 !== c.sha256)
    throw new DejaError('MODEL_ERROR', `the gradient graph ${card.name} was exported from other weights than ${c.name} (sha256 ${card.gradientOf?.sha256?.slice(0, 12) ?? 'not recorded'}…, the model's ${c.sha256.slice(0, 12)}…)`, { file: c.manifest, hint });
  const a = card.input;
  const b = c.card.input;
  if (a.size !== b.size || a.channels !== b.channels || a.layout !== b.layout || a.mean.join() !== b.mean.join() || a.std.join() !== b.std.join())
    throw new DejaError('MODEL_ERROR', `the gradient graph ${card.name} takes another input than ${c.name} (size, channels, layout or normalisation differ)`, { file: c.manifest, hint });
  const label = card.extraInputs?.find((i) => i.name === 'label') ?? card.extraInputs?.[0];
  if (!label) throw new DejaError('MODEL_ERROR', `the card of ${card.name} lists no label input`, { file: c.manifest, hint });
  const outputs = new Set(card.outputs.map((o) => o.name));
  for (const name of ['loss', 'gradient'])
    if (!outputs.has(name)) throw new DejaError('MODEL_ERROR', `the card of ${card.name} lists no ${name} output`, { file: c.manifest, hint });
  const file = verifyModelFile(card, c.manifest);
  checkCardMatchesGraph(card, file);
  return { name: card.name, file, sha256: card.sha256, card, image: card.input.name, label: label.name, loss: 'loss', gradient: 'gradient', logits: outputs.has('logits') ? 'logits' : null };
}
