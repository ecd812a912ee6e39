import { Command, CommanderError } from 'commander';
import { isDejaError } from '../core/errors.ts';
import { fileSystemError } from '../core/fileSystemError.ts';
import { registerCommands } from './commands/index.ts';

/**
 * The `deja` command line. Returns the exit code: 0 ok, 2 bad input (one-line message, no stack),
 * 1 internal error (stack only with DEJA_DEBUG=1).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('deja')
    .description('Data-driven computational photography: find the most similar photos in a collection and transfer what they know.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // A full disk or a read-only folder met anywhere is the user's to fix: one line, not "internal error".
    const known = isDejaError(e) ? e : fileSystemError(e, (e as { path?: string })?.path ?? '', `cannot ${(e as { syscall?: string })?.syscall ?? 'use the file system'}`);
    if (isDejaError(known)) {
      process.stderr.write(`deja: ${known.oneLine()}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`deja: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.DEJA_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return 1;
  }
}
