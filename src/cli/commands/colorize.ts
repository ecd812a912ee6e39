import type { Command } from 'commander';
import { ColorizeOptions, colorizeFile } from '../../actions/colorize.ts';
import { jsonOption, openCollection, printJson, schemaOption, withCollection } from '../common.ts';

/** `deja colorize <photo> --out <file>`: colour for a gray photo from its nearest colour photos; defaults, choices and bounds from `ColorizeOptions`. */
export function register(program: Command): void {
  withCollection(program.command('colorize'))
    .description('colorize a grayscale photo from the colour of its nearest photos in the collection')
    .argument('<photo>', 'photo to colorize (a colour photo is colorized from its luminance)')
    .requiredOption('-o, --out <file>', 'output image (.png, .jpg, .webp or .gif)')
    .addOption(schemaOption(ColorizeOptions, 'k', '-k, --k <n>', 'colour matches to use'))
    .addOption(schemaOption(ColorizeOptions, 'method', '-m, --method <method>', 'mean (averaged chroma) or transfer (Welsh et al. 2002 + guided filter)'))
    .addOption(schemaOption(ColorizeOptions, 'encoder', '-e, --encoder <spec>', 'encoder that finds the matches'))
    .addOption(schemaOption(ColorizeOptions, 'spatialWeight', '--spatial-weight <w>', 'transfer: weight of position in the frame (0 = global matching)'))
    .option('--no-mirror', 'do not also match the mirrored photo')
    .option('--sheet <file>', 'write the panels: input, matches (gray), matches (colour), average colour, result')
    .addOption(jsonOption())
    .action(async (photo: string, opts) => {
      const collection = openCollection(opts);
      try {
        const r = await colorizeFile(collection, photo, opts.out, {
          k: opts.k,
          method: opts.method,
          encoder: opts.encoder,
          spatialWeight: opts.spatialWeight,
          mirror: opts.mirror,
          sheet: opts.sheet,
        });
        if (opts.json) return printJson(r);
        if (r.note) process.stderr.write(`deja: note: ${r.note}\n`);
        process.stdout.write(`colorized ${r.input} (${r.width}×${r.height}) by ${r.method} from ${r.matches.length} matches → ${r.out}\n`);
        if (r.skippedGray) process.stdout.write(`passed over ${r.skippedGray} gray photos among the matches\n`);
        if (r.sheet) process.stdout.write(`panels: ${r.sheet}\n`);
      } finally {
        collection.close();
      }
    });
}
