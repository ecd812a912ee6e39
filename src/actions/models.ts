import path from 'node:path';
import { z } from 'zod';
import { parseOptions } from '../core/parseOptions.ts';
import { cudaInstalled, EXECUTION_PROVIDERS, type ExecutionProvider } from '../nn/executionProvider.ts';
import { defaultManifestPath, listModels, type ModelListing } from '../nn/modelRegistry.ts';

/** Options of `deja models`. */
export const ModelsOptions = z.object({
  manifest: z.string().min(1).optional().describe("Another manifest.json (default: the package's models/manifest.json)."),
});
export type ModelsOptions = z.input<typeof ModelsOptions>;

/** What `deja models` reports: the manifest, its cards with each file's state, and where models can run. */
export interface ModelsReport {
  manifest: string;
  models: ModelListing[];
  providers: { name: ExecutionProvider; available: boolean }[];
}

/**
 * The models of a manifest (by default the package's `models/manifest.json`), each card with its file
 * checked against its sha256, and the execution providers this machine offers.
 * @param rawOptions `manifest`: path of another manifest.json
 * @throws DejaError when the manifest is missing or invalid, BAD_ARGUMENT for bad options
 * @example modelsReport().models.map((m) => `${m.name} ${m.status}`) // ['tiny-cnn ok']
 */
export function modelsReport(rawOptions: ModelsOptions = {}): ModelsReport {
  const options = parseOptions(ModelsOptions, rawOptions);
  const manifest = path.resolve(options.manifest ?? defaultManifestPath());
  return {
    manifest,
    models: listModels(manifest),
    providers: EXECUTION_PROVIDERS.map((name) => ({ name, available: name === 'cpu' || cudaInstalled() })),
  };
}

/** A card as a client of the HTTP API sees it: without its file name or path. */
export type ClientModelCard = Omit<ModelListing, 'file' | 'path'>;

/**
 * The cards of a manifest for clients (`GET /api/models`): each with its file's state but without where
 * the file is; the names a classify or attack request may give (classification cards whose file is ok);
 * and those of them whose input-gradient graph is there too (its card, of task `input-gradient`, with
 * its file ok), on which gradient attacks (fgsm, pgd, eot) can run.
 * @example publicModels().classifiers // ['cifar-resnet20']
 */
export function publicModels(manifest = defaultManifestPath()): { models: ClientModelCard[]; classifiers: string[]; classifiersWithGradient: string[] } {
  const models = listModels(manifest).map(({ file: _file, path: _path, ...card }) => card);
  const usable = (name: string | undefined, task: string) => models.some((m) => m.name === name && m.task === task && m.status === 'ok');
  const classifiers = models.filter((m) => usable(m.name, 'classification')).map((m) => m.name);
  return { models, classifiers, classifiersWithGradient: classifiers.filter((name) => usable(models.find((m) => m.name === name)!.gradient, 'input-gradient')) };
}
