import type { Command } from 'commander';
import { ENCODERS } from '../../encoders/registry.ts';
import { jsonOption, printJson } from '../common.ts';

export function register(program: Command): void {
  program
    .command('encoders')
    .description('list the encoders and their options')
    .addOption(jsonOption())
    .action((opts) => {
      const list = Object.values(ENCODERS).map((f) => ({ name: f.name, description: f.description, options: f.options }));
      if (opts.json) return printJson(list);
      for (const e of list) process.stdout.write(`${e.name.padEnd(10)} ${e.description}${e.options.length ? `  [options: ${e.options.join(', ')}]` : ''}\n`);
    });
}
