import type { Command } from 'commander';
import { completePhoto, CompleteOptions } from '../../actions/complete.ts';
import { parseOptions } from '../../core/parseOptions.ts';
import { COMPLETE_METHODS } from '../../decoders/complete/methods.ts';
import { jsonOption, openCollection, printJson, progressFor, schemaOption, withCollection } from '../common.ts';

/** `deja complete <photo> --mask <file>`: defaults, choices and bounds come from `CompleteOptions`. */
export function register(program: Command): void {
  withCollection(program.command('complete'))
    .description('fill the masked region of a photo with content from the most similar scenes (Hays & Efros 2007)')
    .argument('<photo>', 'photo file')
    .requiredOption('-m, --mask <file>', 'mask image, white = region to fill (another size is stretched: see --mask-fit)')
    .addOption(schemaOption(CompleteOptions, 'maskFit', '--mask-fit <fit>', 'a mask of another size than the photo: stretch it to the photo, or refuse it'))
    .addOption(schemaOption(CompleteOptions, 'k', '-k, --k <n>', 'number of ranked completions'))
    .addOption(schemaOption(CompleteOptions, 'method', '--method <name>', 'scene, or a baseline'))
    .addOption(schemaOption(CompleteOptions, 'scenes', '--scenes <n>', 'scenes kept by scene matching'))
    .addOption(schemaOption(CompleteOptions, 'encoder', '-e, --encoder <spec>', 'gist encoder stored in the collection'))
    .addOption(schemaOption(CompleteOptions, 'maxSide', '--max-side <px>', 'shrink photos whose shorter side is longer'))
    .option('-o, --out <dir>', 'write completion-NN.png and grid.jpg here')
    .addOption(jsonOption())
    .action(async (photo: string, opts) => {
      const options = parseOptions(CompleteOptions, { mask: opts.mask, maskFit: opts.maskFit, k: opts.k, method: opts.method, scenes: opts.scenes, encoder: opts.encoder, maxSide: opts.maxSide, out: opts.out });
      const collection = COMPLETE_METHODS[options.method].usesScenes ? openCollection(opts) : null;
      try {
        const r = await completePhoto(collection, photo, options, progressFor(opts));
        if (r.note) process.stderr.write(`deja: note: ${r.note}\n`);
        if (opts.json) return printJson(r);
        for (const w of r.warnings) process.stderr.write(`deja: warning: ${w}\n`);
        process.stdout.write(`${r.results.length} completion(s) of ${photo} (${r.width}x${r.height}, hole ${(100 * r.holeFraction).toFixed(1)}%, ${r.method}) in ${r.seconds.toFixed(1)} s\n`);
        for (const c of r.results)
          process.stdout.write(`${String(c.rank).padStart(3)}. ${c.score === null ? '' : `score ${c.score.toFixed(3)}  `}${c.source ? `#${c.source.id} ${c.source.path}` : r.method}${c.file ? `  → ${c.file}` : ''}\n`);
        if (r.grid) process.stdout.write(`grid: ${r.grid}\n`);
      } finally {
        collection?.close();
      }
    });
}
