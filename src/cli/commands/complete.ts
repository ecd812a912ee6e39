import type { Command } from 'commander';
import { Option } from 'commander';
import { completePhoto, CompleteOptions } from '../../actions/complete.ts';
import { intOption, jsonOption, openCollection, parseOptions, printJson, progressFor, withCollection } from '../common.ts';

export function register(program: Command): void {
  withCollection(program.command('complete'))
    .description('fill the masked region of a photo with content from the most similar scenes (Hays & Efros 2007)')
    .argument('<photo>', 'photo file')
    .requiredOption('-m, --mask <file>', 'mask image of the same size, white = region to fill')
    .option('-k, --k <n>', 'number of ranked completions', intOption('--k', 1, 200), 20)
    .addOption(new Option('--method <name>', 'scene, or a baseline').choices(['scene', 'diffusion', 'texture']).default('scene'))
    .option('--scenes <n>', 'scenes kept by scene matching', intOption('--scenes', 1, 2000), 200)
    .option('-e, --encoder <spec>', 'gist encoder stored in the collection', 'gist')
    .option('--max-side <px>', 'shrink photos whose shorter side is longer', intOption('--max-side', 32, 4096), 480)
    .option('-o, --out <dir>', 'write completion-NN.png and grid.jpg here')
    .addOption(jsonOption())
    .action(async (photo: string, opts) => {
      const options = parseOptions(CompleteOptions, { mask: opts.mask, k: opts.k, method: opts.method, scenes: opts.scenes, encoder: opts.encoder, maxSide: opts.maxSide, out: opts.out });
      const collection = options.method === 'scene' ? openCollection(opts) : null;
      try {
        const r = await completePhoto(collection, photo, options, progressFor(opts));
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
