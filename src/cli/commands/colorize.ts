import { Option, type Command } from 'commander';
import { colorizeFile } from '../../actions/colorize.ts';
import { intOption, jsonOption, numberOption, openCollection, printJson, withCollection } from '../common.ts';

/** `deja colorize <photo> --out <file>`: colour for a gray photo from its nearest colour photos. */
export function register(program: Command): void {
  withCollection(program.command('colorize'))
    .description('colorize a grayscale photo from the colour of its nearest photos in the collection')
    .argument('<photo>', 'photo to colorize (a colour photo is colorized from its luminance)')
    .requiredOption('-o, --out <file>', 'output image (.png, .jpg, .webp or .gif)')
    .option('-k, --k <n>', 'colour matches to use', intOption('--k', 1, 200), 20)
    .addOption(new Option('-m, --method <method>', 'mean (averaged chroma) or transfer (Welsh et al. 2002 + guided filter)').choices(['mean', 'transfer']).default('transfer'))
    .option('-e, --encoder <spec>', 'encoder that finds the matches', 'tiny-gray')
    .option('--spatial-weight <w>', 'transfer: weight of position in the frame (0 = global matching)', numberOption('--spatial-weight', 0, 10), 0.2)
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
