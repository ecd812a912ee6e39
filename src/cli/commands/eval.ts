import type { Command } from 'commander';
import { registerEvalLocate } from './evalLocate.ts';
import { registerEvalClassify } from './evalClassify.ts';
import { registerEvalAttack } from './evalAttack.ts';
import { registerEvalSfm } from './evalSfm.ts';

/** `deja eval <task>`: evaluation harnesses; each task registers its own subcommand here. */
export function register(program: Command): void {
  const evalCommand = program.command('eval').description('evaluate a capability on a labelled test set');
  void evalCommand;
  registerEvalLocate(evalCommand);
  registerEvalClassify(evalCommand);
  registerEvalAttack(evalCommand);
  registerEvalSfm(evalCommand);
}
