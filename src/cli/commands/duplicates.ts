import type { Command } from 'commander';
import { findDuplicates } from '../../actions/duplicates.ts';
import { intOption, jsonOption, numberOption, openCollection, printJson, withCollection } from '../common.ts';

export function register(program: Command): void {
  withCollection(program.command('duplicates'))
    .description('list exact duplicates and near-duplicate groups (re-encodes, resizes, small crops; not burst shots)')
    .option('-e, --encoder <spec>', 'encoder whose distance decides', 'tiny')
    .option('-t, --threshold <d>', 'largest distance between near-duplicates', numberOption('--threshold', 0, 1e9), 0.25)
    .option('-k, --k <n>', 'neighbours examined per photo', intOption('--k', 2, 100), 8)
    .option('--exact', 'exact neighbour search')
    .addOption(jsonOption())
    .action(async (opts) => {
      const collection = openCollection(opts);
      try {
        const groups = await findDuplicates(collection, { encoder: opts.encoder, threshold: opts.threshold, k: opts.k, exact: !!opts.exact });
        if (opts.json) return printJson({ encoder: opts.encoder, threshold: opts.threshold, groups });
        process.stdout.write(`${groups.length} group(s)\n`);
        groups.forEach((g, i) => {
          process.stdout.write(`group ${i + 1} (${g.kind}, ${g.photos.length} photos)\n`);
          for (const p of g.photos) process.stdout.write(`  ${p.distance.toFixed(4)}  ${p.path}\n`);
        });
      } finally {
        collection.close();
      }
    });
}
