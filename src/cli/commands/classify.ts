import { Option, type Command } from 'commander';
import { classifyFile } from '../../actions/classify.ts';
import { excludeSelfOption, intOption, jsonOption, openCollection, printJson, selfInCollectionNote, withCollection } from '../common.ts';

/** `deja classify <photo>`: label by distance-weighted k-NN vote among the labelled photos. */
export function register(program: Command): void {
  withCollection(program.command('classify'))
    .description('label a photo by a k-NN vote of the labelled photos in the collection (label transfer)')
    .argument('<photo>', 'photo to label')
    .option('-k, --k <n>', 'neighbours that vote', intOption('--k', 1, 1000), 10)
    .option('-e, --encoder <spec>', 'encoder, or a weighted combination like gist+tiny:w=2,1', 'tiny')
    .addOption(new Option('-w, --weighting <w>', 'vote weighting by distance').choices(['uniform', 'inverse', 'kernel']).default('kernel'))
    .option('--pca <d>', 'reduce descriptors to d principal components first (exact search in the reduced space; default off)', intOption('--pca', 1, 100_000))
    .addOption(excludeSelfOption())
    .addOption(jsonOption())
    .action(async (photo: string, opts) => {
      const collection = openCollection(opts);
      try {
        const r = await classifyFile(collection, photo, { k: opts.k, encoder: opts.encoder, weighting: opts.weighting, pca: opts.pca, excludeSelf: !!opts.excludeSelf });
        if (opts.json) return printJson(r);
        selfInCollectionNote(r);
        process.stdout.write(`${r.label}  (${r.k}-NN vote by ${r.encoder} among ${r.collectionSize} labelled photos)\n`);
        for (const s of r.scores) process.stdout.write(`  ${s.label.padEnd(16)} ${(100 * s.score).toFixed(1).padStart(5)}%  ${s.votes} of ${r.k}\n`);
      } finally {
        collection.close();
      }
    });
}
