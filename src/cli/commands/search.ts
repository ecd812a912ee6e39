import type { Command } from 'commander';
import { SearchFileOptions, searchFile } from '../../actions/searchFile.ts';
import { excludeSelfOption, jsonOption, openCollection, printJson, schemaOption, selfInCollectionNote, withCollection } from '../common.ts';

/** `deja search <photo>`: defaults and bounds come from `SearchFileOptions`. */
export function register(program: Command): void {
  withCollection(program.command('search'))
    .description('find the photos of the collection most similar to a photo')
    .argument('<photo>', 'query photo file')
    .addOption(schemaOption(SearchFileOptions, 'encoder', '-e, --encoder <spec>', 'encoder, or a weighted combination like gist+tiny:w=2,1'))
    .addOption(schemaOption(SearchFileOptions, 'k', '-k, --k <n>', 'number of neighbours'))
    .addOption(schemaOption(SearchFileOptions, 'exact', '--exact', 'exact brute-force search instead of the HNSW index'))
    .addOption(schemaOption(SearchFileOptions, 'mirror', '--no-mirror', 'do not also match the mirrored query'))
    .addOption(schemaOption(SearchFileOptions, 'index', '--index <spec>', 'approximate index spec, e.g. HNSW32, HNSW32_SQfp16 (half the memory) or PCA128,HNSW32'))
    .addOption(schemaOption(SearchFileOptions, 'sheet', '--sheet <file>', 'write a contact sheet (query + neighbours with distances)'))
    .addOption(excludeSelfOption())
    .addOption(jsonOption())
    .action(async (photo: string, opts) => {
      const collection = openCollection(opts);
      try {
        const r = await searchFile(collection, photo, { encoder: opts.encoder, k: opts.k, exact: opts.exact, mirror: opts.mirror, index: opts.index, sheet: opts.sheet, excludeSelf: opts.excludeSelf });
        if (opts.json) return printJson({ query: r.query, encoder: r.encoder, results: r.results, selfInCollection: r.selfInCollection, excludedSelf: r.excludedSelf });
        selfInCollectionNote(r);
        process.stdout.write(`${r.results.length} nearest to ${r.query} by ${r.encoder}:\n`);
        r.hits.forEach((h, i) => process.stdout.write(`${String(i + 1).padStart(3)}. ${h.distance.toFixed(4)}  #${h.id}  ${h.path}${h.mirrored ? '  (mirror)' : ''}\n`));
        if (opts.sheet) process.stdout.write(`contact sheet: ${opts.sheet}\n`);
      } finally {
        collection.close();
      }
    });
}
