import { Option, type Command } from 'commander';
import { AttackOptions, attackFile, type AttackReport } from '../../actions/attack.ts';
import { parseEpsilon } from '../../decoders/attack/epsilon.ts';
import { jsonOption, printJson, schemaOption } from '../common.ts';

/** `deja attack <photo> --model <name>`: an adversarial example of one photo (FGSM, PGD, one-pixel, EOT), written as PNG with a panel. */
export function register(program: Command): void {
  program
    .command('attack')
    .description('make an adversarial example of a photo for a classification network: fgsm, pgd and eot through its input-gradient graph, one-pixel as a black box')
    .argument('<photo>', 'photo to attack (cropped to the model\'s input, as deja classify --model sees it)')
    .requiredOption('-m, --model <name|file.onnx>', 'a classification card from `deja models` (fgsm, pgd and eot need its input-gradient graph), or an .onnx file with its card beside it')
    .addOption(schemaOption(AttackOptions, 'method', '--method <method>', 'attack: fgsm, pgd, one-pixel or eot'))
    .addOption(new Option('--eps <e>', 'L∞ radius in pixel units of [0, 1], as a fraction or a number (fgsm, pgd, eot)').argParser((v) => parseEpsilon(v, '--eps')).default(8 / 255, '8/255'))
    .addOption(schemaOption(AttackOptions, 'steps', '--steps <n>', 'pgd, eot: gradient steps'))
    .option('--step-size <a>', 'pgd, eot: step size in pixel units (default 2.5 ε / steps)', (v) => parseEpsilon(v, '--step-size'))
    .addOption(schemaOption(AttackOptions, 'pixels', '--pixels <k>', 'one-pixel: pixels changed (1, 3, 5)'))
    .addOption(schemaOption(AttackOptions, 'population', '--population <n>', 'one-pixel: candidates per generation'))
    .addOption(schemaOption(AttackOptions, 'iterations', '--iterations <n>', 'one-pixel: generations at most'))
    .addOption(schemaOption(AttackOptions, 'samples', '--samples <n>', 'eot: transformations averaged per step'))
    .addOption(schemaOption(AttackOptions, 'draws', '--draws <n>', 'fresh random transformations the result is tested under (0: none)'))
    .option('--target <class>', 'a class of the model to reach (targeted); default: away from the class it predicts')
    .addOption(schemaOption(AttackOptions, 'seed', '--seed <n>'))
    .option('-o, --out <file.png>', 'the adversarial image (PNG); default <photo>-<method>.png here')
    .option('--panel <file.png>', 'the panel: original, magnified perturbation, adversarial, scores before and after; default <out>-panel.png')
    .addOption(schemaOption(AttackOptions, 'batch', '--batch <n>', 'images per network run'))
    .addOption(schemaOption(AttackOptions, 'threads', '--threads <n>', 'onnxruntime intra-op threads'))
    .addOption(schemaOption(AttackOptions, 'provider', '--provider <name>', 'where the network runs'))
    .option('--manifest <file>', "the manifest.json model names are looked up in (default: the package's)")
    .addOption(jsonOption())
    .action(async (photo: string, opts) => {
      const r = await attackFile(photo, {
        model: opts.model, method: opts.method, eps: opts.eps, steps: opts.steps, stepSize: opts.stepSize, pixels: opts.pixels, population: opts.population,
        iterations: opts.iterations, samples: opts.samples, draws: opts.draws, target: opts.target, seed: opts.seed, out: opts.out, panel: opts.panel,
        batch: opts.batch, threads: opts.threads, provider: opts.provider, manifest: opts.manifest,
      });
      if (opts.json) return printJson(r);
      process.stdout.write(summary(r));
    });
}

function summary(r: AttackReport): string {
  const pct = (s: number) => `${(100 * s).toFixed(1)}%`;
  const strength = r.eps !== null ? `ε ${r.epsText}` : `${r.pixels} pixel${r.pixels === 1 ? '' : 's'}`;
  const lines = [
    `${r.method} on ${r.model} (${r.size}×${r.size} crop), ${strength}${r.target ? `, target ${r.target}` : ''}: ${r.success ? 'success' : 'no success'}`,
    `  before: ${r.before.label} ${pct(r.before.score)}   after: ${r.after.label} ${pct(r.after.score)}`,
    `  perturbation: L∞ ${r.norms.linf255.toFixed(1)}/255, L2 ${r.norms.l2.toFixed(4)}, ${r.norms.pixels} pixels changed; ${r.queries} model run${r.queries === 1 ? '' : 's'}`,
  ];
  if (r.robustness) lines.push(`  stays ${r.target ? 'on target' : 'adversarial'} under ${pct(r.robustness.stillAdversarial)} of ${r.robustness.draws} random transformations (rotation, scale, shift, brightness, JPEG)`);
  lines.push(`wrote ${r.out} and ${r.panel}`);
  return lines.join('\n') + '\n';
}
