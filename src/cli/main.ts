import { Command, CommanderError, Help, type Option } from 'commander';
import { isDejaError } from '../core/errors.ts';
import { fileSystemError } from '../core/fileSystemError.ts';
import { registerCommands } from './commands/index.ts';

/**
 * A commander parse error ("error: missing required argument 'photo'", sometimes with a "(Did you
 * mean …?)" line) as Deja's one line: `deja: <message> — see \`deja <command> --help\``.
 */
export function commanderErrorLine(text: string, cmd: Command): string {
  const message = text.replace(/^error:\s*/, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  const name = names.join(' ');
  return `deja: ${message} — see \`${name} --help\`\n`;
}

const plainHelp = new Help();

/** `--help` text of an option, starting with "required:" for the options a command cannot run without. */
function markRequired(option: Option): string {
  const text = plainHelp.optionDescription(option);
  return option.mandatory ? `required: ${text}` : text;
}

/**
 * The `deja` command line. Returns the exit code: 0 ok, 2 bad input (one-line message, no stack),
 * 1 internal error (stack only with DEJA_DEBUG=1).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('deja')
    .description('Data-driven computational photography: find the most similar photos in a collection and transfer what they know.')
    .version('0.1.0')
    .exitOverride()
    .configureHelp({ optionDescription: markRequired });
  registerCommands(program);
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.configureOutput({ outputError: (text) => process.stderr.write(commanderErrorLine(text, cmd)) });
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
