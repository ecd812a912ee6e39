import type { Command } from 'commander';
import { verifiedClean, verifyCollection } from '../../actions/verify.ts';
import { jsonOption, openCollection, printJson, progressFor, withCollection } from '../common.ts';

export function register(program: Command): void {
  withCollection(program.command('verify'))
    .description('read every photo back and check it against its content hash: lists missing, changed and unreadable photos (exit code 1 when any)')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action((opts) => {
      const collection = openCollection(opts);
      try {
        const r = verifyCollection(collection, progressFor(opts));
        if (!verifiedClean(r)) process.exitCode = 1;
        if (opts.json) return printJson(r);
        const lines = [`verified ${r.checked} photo(s) in ${r.collection}: ${r.ok} ok, ${r.missing.length} missing, ${r.changed.length} changed, ${r.unreadable.length} unreadable`];
        for (const m of r.missing) lines.push(`  missing ${m.path} (photo ${m.id})`);
        for (const m of r.changed) lines.push(`  changed ${m.path} (photo ${m.id})`);
        for (const m of r.unreadable) lines.push(`  unreadable ${m.path} (photo ${m.id}): ${m.reason}`);
        for (const d of r.descriptors) lines.push(`  ${d.spec}: ${d.problem}`);
        if (r.missing.length || r.changed.length)
          lines.push('  moved photos: `deja relink <new-folder>`; edited ones: `deja index <their folder>` re-indexes them');
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        collection.close();
      }
    });
}
