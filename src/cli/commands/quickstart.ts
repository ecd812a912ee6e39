import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultQuickstartSources, quickstart, QuickstartOptions } from '../../actions/quickstart.ts';
import { jsonOption, openCollection, printJson, progressFor, schemaOption, withCollection } from '../common.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `deja quickstart [sources...]`: options from `QuickstartOptions`. */
export function register(program: Command): void {
  withCollection(program.command('quickstart'))
    .description('index photos (default: ../shared/data beside the repo) and show what search finds, as a contact sheet')
    .argument('[sources...]', 'your photo folders, files or archives')
    .addOption(schemaOption(QuickstartOptions, 'sheet', '--sheet <file>', 'contact sheet to write'))
    .addOption(jsonOption())
    .action(async (sources: string[], opts) => {
      const collection = openCollection(opts, true);
      try {
        const r = await quickstart(collection, sources.length ? sources : defaultQuickstartSources(repoRoot), { sheet: opts.sheet }, progressFor(opts));
        if (opts.json) return printJson(r);
        process.stdout.write(
          [
            `indexed ${r.ingest.added} new photo(s) (${r.ingest.alreadyPresent} already there, ${r.ingest.skipped.length} skipped) into ${collection.dir}`,
            `nearest to ${r.query}:`,
            ...r.results.map((h, i) => `${String(i + 1).padStart(3)}. ${h.distance.toFixed(4)}  ${h.path}`),
            `contact sheet: ${r.sheet}`,
            `next: npx deja serve   (the web page and API at http://127.0.0.1:8080/), or deja search <photo> --sheet out.jpg   (deja --help for more)`,
          ].join('\n') + '\n',
        );
      } finally {
        collection.close();
      }
    });
}
