import type { Command } from 'commander';
import { DuplicatesOptions, findDuplicates } from '../../actions/duplicates.ts';
import { parseOptions } from '../../core/parseOptions.ts';
import { jsonOption, openCollection, printJson, schemaOption, withCollection } from '../common.ts';

/** `deja duplicates`: defaults and bounds come from `DuplicatesOptions`. */
export function register(program: Command): void {
  withCollection(program.command('duplicates'))
    .description('list exact duplicates and near-duplicate groups (re-encodes, resizes, small crops; not burst shots)')
    .addOption(schemaOption(DuplicatesOptions, 'encoder', '-e, --encoder <spec>', 'encoder whose distance decides'))
    .addOption(schemaOption(DuplicatesOptions, 'threshold', '-t, --threshold <d>', 'largest distance between near-duplicates'))
    .addOption(schemaOption(DuplicatesOptions, 'k', '-k, --k <n>', 'neighbours examined per photo'))
    .addOption(schemaOption(DuplicatesOptions, 'exact', '--exact', 'exact neighbour search'))
    .addOption(jsonOption())
    .action(async (opts) => {
      const options = parseOptions(DuplicatesOptions, { encoder: opts.encoder, threshold: opts.threshold, k: opts.k, exact: opts.exact });
      const collection = openCollection(opts);
      try {
        const groups = await findDuplicates(collection, options);
        if (opts.json) return printJson({ encoder: options.encoder, threshold: options.threshold, groups });
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
