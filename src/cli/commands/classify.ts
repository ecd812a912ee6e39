import { Option, type Command } from 'commander';
import { classifyFile, labelledSet } from '../../actions/classify.ts';
import { classifyFilesByModel, ModelClassifyOptions } from '../../actions/classifyModel.ts';
import { excludeSelfOption, intOption, jsonOption, openCollection, printJson, schemaOption, selfInCollectionNote, withCollection } from '../common.ts';

/**
 * `deja classify <photo…>`: label by distance-weighted k-NN vote among the labelled photos, or with
 * `--model` by a classification network (no collection needed). One photo prints one result, several an array.
 */
export function register(program: Command): void {
  withCollection(program.command('classify'))
    .description('label photos by a k-NN vote of the labelled photos in the collection (label transfer), or by a classification network (--model)')
    .argument('<photos...>', 'photos to label')
    .option('-k, --k <n>', 'neighbours that vote', intOption('--k', 1, 1000), 10)
    .option('-e, --encoder <spec>', 'encoder, or a weighted combination like gist+tiny:w=2,1', 'tiny')
    .addOption(new Option('-w, --weighting <w>', 'vote weighting by distance').choices(['uniform', 'inverse', 'kernel']).default('kernel'))
    .option('--pca <d>', 'reduce descriptors to d principal components first (exact search in the reduced space; default off)', intOption('--pca', 1, 100_000))
    .addOption(excludeSelfOption())
    .option('-m, --model <name|file.onnx>', 'classify with this network instead (a classification card from `deja models`, or an .onnx file with its card beside it); no collection needed')
    .addOption(schemaOption(ModelClassifyOptions, 'top', '--top <n>', 'with --model: classes reported per photo'))
    .addOption(schemaOption(ModelClassifyOptions, 'batch', '--batch <n>', 'with --model: photos per network run'))
    .addOption(schemaOption(ModelClassifyOptions, 'threads', '--threads <n>', 'with --model: onnxruntime intra-op threads'))
    .addOption(schemaOption(ModelClassifyOptions, 'provider', '--provider <name>', 'with --model: where the network runs'))
    .option('--manifest <file>', "with --model: the manifest.json model names are looked up in (default: the package's)")
    .addOption(jsonOption())
    .action(async (photos: string[], opts) => {
      if (opts.model) return classifyByModel(photos, opts);
      const collection = openCollection(opts);
      try {
        const options = { k: opts.k, encoder: opts.encoder, weighting: opts.weighting, pca: opts.pca, excludeSelf: !!opts.excludeSelf };
        const set = photos.length > 1 ? await labelledSet(collection, opts.encoder, { pca: opts.pca }) : undefined;
        const results = [];
        for (const photo of photos) results.push(await classifyFile(collection, photo, options, set));
        if (opts.json) return printJson(results.length === 1 ? results[0] : results);
        for (const r of results) {
          selfInCollectionNote(r);
          process.stdout.write(`${photos.length > 1 ? `${r.query}: ` : ''}${r.label}  (${r.k}-NN vote by ${r.encoder} among ${r.collectionSize} labelled photos)\n`);
          for (const s of r.scores) process.stdout.write(`  ${s.label.padEnd(16)} ${(100 * s.score).toFixed(1).padStart(5)}%  ${s.votes} of ${r.k}\n`);
        }
      } finally {
        collection.close();
      }
    });
}

async function classifyByModel(photos: string[], opts: Record<string, any>): Promise<void> {
  const results = await classifyFilesByModel(photos, { model: opts.model, top: opts.top, batch: opts.batch, threads: opts.threads, provider: opts.provider, manifest: opts.manifest });
  if (opts.json) return printJson(results.length === 1 ? results[0] : results);
  for (const r of results) {
    process.stdout.write(`${photos.length > 1 ? `${r.query}: ` : ''}${r.label}  (network ${r.model}, softmax over ${r.classes} classes)\n`);
    for (const s of r.scores) process.stdout.write(`  ${s.label.padEnd(16)} ${(100 * s.score).toFixed(1).padStart(5)}%\n`);
  }
}
