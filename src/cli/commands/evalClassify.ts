import { Option, type Command } from 'commander';
import { evalClassify } from '../../actions/evalClassify.ts';
import { DejaError } from '../../core/errors.ts';
import { intOption, jsonOption, openCollection, printJson, progressFor, withCollection } from '../common.ts';

function kList(value: string): number[] {
  const ks = value.split(',').map(Number);
  if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 1000))
    throw new DejaError('BAD_ARGUMENT', `Expected comma-separated integers between 1 and 1000 for --k but received ${JSON.stringify(value)}`);
  return ks;
}

/** `deja eval classify --test <folder|csv>`: accuracy of label transfer vs k, with a confusion matrix. */
export function registerEvalClassify(evalCommand: Command): void {
  withCollection(evalCommand.command('classify'))
    .description('accuracy of k-NN label transfer on labelled test photos (one folder per class, or a CSV)')
    .requiredOption('-t, --test <paths...>', 'test folders/archives (label = folder name) or one CSV of file,label')
    .option('--labels <csv>', 'CSV of file,label for the test photos instead of folder names')
    .option('-e, --encoder <spec>', 'encoder, or a weighted combination like gist+tiny:w=2,1', 'tiny')
    .option('-k, --k <list>', 'numbers of voting neighbours, comma-separated', kList, [1, 3, 5, 10, 20, 50])
    .addOption(new Option('-w, --weighting <w>', 'vote weighting by distance').choices(['uniform', 'inverse', 'kernel']).default('kernel'))
    .option('--limit <n>', 'evaluate a seeded random subset of this many test photos', intOption('--limit', 1, 10_000_000))
    .option('--seed <n>', 'seed of the subset', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--pca <d>', 'reduce descriptors to d principal components first (exact search in the reduced space; default off)', intOption('--pca', 1, 100_000))
    .option('--pca-sample <n>', 'collection rows the PCA is trained on', intOption('--pca-sample', 2, 20_000), 10_000)
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (opts) => {
      const collection = openCollection(opts);
      try {
        const r = await evalClassify(
          collection,
          { test: opts.test, labels: opts.labels, encoder: opts.encoder, k: opts.k, weighting: opts.weighting, limit: opts.limit, seed: opts.seed, pca: opts.pca, pcaSample: opts.pcaSample },
          progressFor(opts),
        );
        if (opts.json) return printJson(r);
        const out = process.stdout;
        out.write(`${r.tests} test photos, ${r.collectionSize} labelled photos, ${r.classes.length} classes, encoder ${r.encoder}${r.pca ? ` (PCA to ${r.pca} dims)` : ''}, ${r.weighting} vote\n`);
        for (const a of r.accuracyByK) out.write(`  k=${String(a.k).padEnd(4)} accuracy ${(100 * a.accuracy).toFixed(2)}%\n`);
        const pcaPart = r.pca ? `; PCA train + project collection ${r.seconds.pca.toFixed(2)} s` : '';
        out.write(`search: ${r.seconds.search.toFixed(2)} s (${r.queriesPerSecond.toFixed(0)} queries/s)${pcaPart}; total ${r.seconds.total.toFixed(1)} s\n`);
        if (r.unknownLabels) out.write(`${r.unknownLabels} test photos have labels the collection lacks (counted wrong)\n`);
        if (r.skipped.length) out.write(`${r.skipped.length} test photos skipped (first: ${r.skipped[0].path}: ${r.skipped[0].reason})\n`);
        out.write(`confusion at k=${r.confusion.k}:\n${r.confusion.markdown}\n`);
      } finally {
        collection.close();
      }
    });
}
