/**
 * Classification models for the tests, written without Python: a fixed linear classifier over a photo's
 * mean colour (src/nn/fixtureModels.ts), nearest-centroid weights from class mean colours, with its card
 * in a manifest.json beside it — the card contract the train/ recipes export — and, when asked, its
 * input-gradient graph and card (what gradient attacks run through).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { meanColourClassifierModel, meanColourInputGradientModel } from '../src/nn/fixtureModels.ts';

export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** Mean R, G, B in [0, 1] of the first 300 photos of each class of cifar10/train.tar.gz. */
export const CIFAR_MEAN_COLOURS = [
  [0.533, 0.565, 0.587],
  [0.476, 0.455, 0.447],
  [0.491, 0.494, 0.421],
  [0.501, 0.459, 0.417],
  [0.464, 0.458, 0.372],
  [0.487, 0.454, 0.41],
  [0.463, 0.433, 0.34],
  [0.497, 0.475, 0.414],
  [0.49, 0.527, 0.559],
  [0.502, 0.489, 0.481],
];
/** Mean R, G, B of the first 150 forest and glacier photos of intel-scenes/train.tar.gz. */
export const SCENE_CLASSES = ['forest', 'glacier'];
export const SCENE_MEAN_COLOURS = [
  [0.322, 0.351, 0.257],
  [0.471, 0.537, 0.591],
];

export interface FixtureClassifier {
  name: string;
  classes: string[];
  size: number;
  mean: number[];
  std: number[];
  /** Class mean colours in [0, 1], one RGB row per class. */
  centroids: number[][];
  /** Logit scale (inverse temperature). */
  scale: number;
  split?: string;
  metrics?: Record<string, number>;
}

/** Weights and bias of the nearest-centroid classifier in normalised colour space: logit_c = s·(x·μ'_c − |μ'_c|²/2). */
export function centroidWeights(f: FixtureClassifier): { weights: number[][]; bias: number[] } {
  const norm = f.centroids.map((m) => m.map((v, ch) => (v - f.mean[ch]) / f.std[ch]));
  return { weights: norm.map((m) => m.map((v) => f.scale * v)), bias: norm.map((m) => (-f.scale * m.reduce((s, v) => s + v * v, 0)) / 2) };
}

/** Logits of the fixture for a photo's mean colour (R, G, B in [0, 1]), computed here, not by the model. */
export function fixtureLogits(f: FixtureClassifier, rgb: readonly number[]): number[] {
  const { weights, bias } = centroidWeights(f);
  const x = rgb.map((v, ch) => (v - f.mean[ch]) / f.std[ch]);
  return weights.map((w, c) => w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + bias[c]);
}

/** The card a recipe under train/ would write for the fixture. */
export function fixtureCard(f: FixtureClassifier, sha256: string): Record<string, unknown> {
  return {
    name: f.name,
    task: 'classification',
    trained: false,
    file: `${f.name}.onnx`,
    input: { name: 'image', shape: ['N', 3, f.size, f.size], size: f.size, channels: 3, layout: 'NCHW', mean: f.mean, std: f.std },
    outputs: [
      { name: 'logits', shape: ['N', f.classes.length] },
      { name: 'features', shape: ['N', 3], description: 'penultimate features' },
    ],
    classes: f.classes,
    sha256,
    recipe: `node --import tsx test/classifierFixture.ts ${f.name}`,
    data: 'hand-set nearest-centroid weights over the mean colour (test fixture)',
    ...(f.split ? { split: f.split } : {}),
    ...(f.metrics ? { metrics: f.metrics } : {}),
    notes: 'Test fixture: a linear classifier over the mean colour, not a CNN.',
  };
}

/** The card of the fixture's input-gradient graph `<name>-grad` (as train/deja_train/input_gradient.py writes it). */
export function fixtureGradientCard(f: FixtureClassifier, classifierSha256: string, sha256: string): Record<string, unknown> {
  const K = f.classes.length;
  return {
    name: `${f.name}-grad`,
    task: 'input-gradient',
    trained: false,
    file: `${f.name}-grad.onnx`,
    input: { name: 'image', shape: ['N', 3, f.size, f.size], size: f.size, channels: 3, layout: 'NCHW', mean: f.mean, std: f.std },
    extraInputs: [{ name: 'label', shape: ['N', K], description: 'target distribution over the classes' }],
    outputs: [
      { name: 'loss', shape: ['N'] },
      { name: 'gradient', shape: ['N', 3, f.size, f.size] },
      { name: 'logits', shape: ['N', K] },
    ],
    classes: f.classes,
    gradientOf: { model: f.name, sha256: classifierSha256 },
    sha256,
    recipe: `node --import tsx test/classifierFixture.ts ${f.name}`,
    notes: `Test fixture: the input gradient of ${f.name}, written by hand.`,
  };
}

/**
 * Writes the fixture's ONNX file into `dir` and, with `gradient`, its input-gradient graph (the
 * classifier's card then names it).
 * @returns the classifier's file and the cards to put in a manifest (the classifier's first)
 */
export function writeFixtureFiles(dir: string, f: FixtureClassifier, options: { gradient?: boolean } = {}): { file: string; cards: Record<string, unknown>[] } {
  fs.mkdirSync(dir, { recursive: true });
  const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');
  const { weights, bias } = centroidWeights(f);
  const bytes = meanColourClassifierModel(f.size, weights, bias);
  const file = path.join(dir, `${f.name}.onnx`);
  fs.writeFileSync(file, bytes);
  const card = fixtureCard(f, sha(bytes));
  if (!options.gradient) return { file, cards: [card] };
  const grad = meanColourInputGradientModel(f.size, weights, bias);
  fs.writeFileSync(path.join(dir, `${f.name}-grad.onnx`), grad);
  return { file, cards: [{ ...card, gradient: `${f.name}-grad` }, fixtureGradientCard(f, sha(bytes), sha(grad))] };
}

/** Writes `dir`/manifest.json holding `cards`; returns its path. */
export function writeFixtureManifest(dir: string, cards: Record<string, unknown>[]): string {
  const manifest = path.join(dir, 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ version: 1, models: cards }, null, 2));
  return manifest;
}

/**
 * Writes the fixture's ONNX file and a manifest.json with its card (and any `extra` cards) into `dir`.
 * @returns the model file and the manifest
 */
export function writeFixtureClassifier(dir: string, f: FixtureClassifier, extra: Record<string, unknown>[] = []): { file: string; manifest: string; card: Record<string, unknown> } {
  const { file, cards } = writeFixtureFiles(dir, f);
  return { file, manifest: writeFixtureManifest(dir, [...cards, ...extra]), card: cards[0] };
}

export const cifarColour: FixtureClassifier = {
  name: 'cifar-colour',
  classes: CIFAR_CLASSES,
  size: 32,
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.243, 0.261],
  centroids: CIFAR_MEAN_COLOURS,
  scale: 4,
  split: 'cifar10/test.tar.gz (10,000 images)',
  metrics: { accuracy: 0.2, ece: 0.05 },
};

export const sceneColour: FixtureClassifier = {
  name: 'scene-colour',
  classes: SCENE_CLASSES,
  size: 64,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  centroids: SCENE_MEAN_COLOURS,
  scale: 2,
  split: 'intel-scenes/train.tar.gz (forest and glacier, 4,775 images)',
};
