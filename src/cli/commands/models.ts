import type { Command } from 'commander';
import { ModelsOptions, modelsReport } from '../../actions/models.ts';
import { jsonOption, printJson, schemaOption } from '../common.ts';

/** `deja models`: options from `ModelsOptions`. */
export function register(program: Command): void {
  program
    .command('models')
    .description('list the models of the manifest with their cards, each file checked against its sha256')
    .addOption(schemaOption(ModelsOptions, 'manifest', '--manifest <file>', "another manifest.json (default: the package's models/manifest.json)"))
    .addOption(jsonOption())
    .action((opts) => {
      const report = modelsReport({ manifest: opts.manifest });
      if (opts.json) return printJson(report);
      const out = [`manifest ${report.manifest}`];
      for (const m of report.models) {
        const shape = (s: readonly (number | string)[]) => `[${s.join(', ')}]`;
        out.push(`${m.name}  ${m.task}${m.trained ? '' : ' (random weights, untrained)'}  ${m.status}`);
        out.push(`  file ${m.file}  sha256 ${m.sha256.slice(0, 12)}…`);
        out.push(`  input ${m.input.name} ${shape(m.input.shape)} ${m.input.layout}, mean ${m.input.mean.join('/')}, std ${m.input.std.join('/')}`);
        for (const o of m.outputs) out.push(`  output ${o.name} ${shape(o.shape)}${o.description ? `: ${o.description}` : ''}`);
        if (m.classes) out.push(`  classes ${m.classes.length}: ${m.classes.slice(0, 10).join(', ')}${m.classes.length > 10 ? ', …' : ''}`);
        if (m.data) out.push(`  data ${m.data}${m.split ? `, split ${m.split}` : ''}`);
        if (m.metrics) out.push(`  metrics ${Object.entries(m.metrics).map(([k, v]) => `${k} ${v}`).join(', ')}`);
        if (m.gradient) out.push(`  gradient ${m.gradient} (its input-gradient graph: deja attack --method fgsm|pgd|eot)`);
        if (m.gradientOf) out.push(`  gradient of ${m.gradientOf.model} (sha256 ${m.gradientOf.sha256.slice(0, 12)}…)`);
        if (m.notes) out.push(`  notes ${m.notes}`);
        out.push(`  recipe ${m.recipe}`);
      }
      out.push(`providers ${report.providers.map((p) => `${p.name}${p.available ? '' : ' (not available)'}`).join(', ')}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
