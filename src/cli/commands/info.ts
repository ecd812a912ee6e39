import type { Command } from 'commander';
import { collectionInfo, InfoOptions } from '../../actions/info.ts';
import { jsonOption, openCollection, printJson, schemaOption, withCollection } from '../common.ts';

/** `deja info`: options from `InfoOptions`. */
export function register(program: Command): void {
  withCollection(program.command('info'))
    .description('what the collection holds: photos, encoders, labels, geotags, skipped files')
    .addOption(schemaOption(InfoOptions, 'skipped', '--skipped', 'list the skipped files with their reasons'))
    .addOption(jsonOption())
    .action((opts) => {
      const collection = openCollection(opts);
      try {
        const info = collectionInfo(collection, { skipped: opts.skipped });
        if (opts.json) return printJson(info);
        const out = [
          `collection ${info.collection}`,
          `  photos: ${info.photos} (+${info.duplicates} exact duplicates), skipped: ${info.skipped}, geotagged: ${info.geotagged}, labelled: ${info.labelled}`,
          `  disk: ${(info.diskBytes / 2 ** 20).toFixed(1)} MiB`,
          `  encoders:`,
          ...info.encoders.map((e) => `    ${e.spec}  v${e.version}  ${e.dim}-D ${e.dtype}  ${e.rows} rows`),
        ];
        if (info.labels.length) out.push(`  labels: ${info.labels.slice(0, 20).map((l) => `${l.label} (${l.count})`).join(', ')}`);
        for (const s of info.skippedItems ?? []) out.push(`  skipped ${s.path}: ${s.reason}`);
        process.stdout.write(out.join('\n') + '\n');
      } finally {
        collection.close();
      }
    });
}
