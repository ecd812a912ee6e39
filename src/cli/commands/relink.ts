import type { Command } from 'commander';
import { relinkPhotos } from '../../actions/relink.ts';
import { jsonOption, openCollection, printJson, progressFor, withCollection } from '../common.ts';

export function register(program: Command): void {
  withCollection(program.command('relink'))
    .description('find photos that moved (or archives that were re-packed) by content hash in new folders or archives, and point the collection at them')
    .argument('<sources...>', 'folders, files or archives where the photos now live')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (sources: string[], opts) => {
      const collection = openCollection(opts);
      try {
        const r = await relinkPhotos(collection, sources, progressFor(opts));
        if (r.stillMissing.length) process.exitCode = 1;
        if (opts.json) return printJson(r);
        const lines = [`relinked ${r.relinked.length} photo(s) after scanning ${r.scanned} file(s); still missing or changed: ${r.stillMissing.length}`];
        for (const m of r.relinked) lines.push(`  ${m.from} → ${m.to}`);
        for (const m of r.stillMissing) lines.push(`  not found: ${m.path} (photo ${m.id})`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        collection.close();
      }
    });
}
