import fs from 'node:fs';

/**
 * Sections of a generated bench report that reruns replace one at a time: a run that redoes only some
 * sections (one model, one data set) keeps the others as the earlier run wrote them. A section is the
 * text between `<!-- section:<name> -->` and `<!-- /section:<name> -->`.
 */

/** Every section of `file` (none when it does not exist), by name, in file order. */
export function readSections(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  for (const m of text.matchAll(/<!-- section:([\w.-]+) -->\n([\s\S]*?)<!-- \/section:\1 -->\n/g)) out.set(m[1], m[2]);
  return out;
}

/** Section `name` wrapped in its markers: `fresh` when this run made it, else the file's old one ('' when it has none). */
export function keptSection(file: string, name: string, fresh: string[] | null): string {
  const body = fresh ? fresh.join('\n') + (fresh.at(-1) === '' ? '' : '\n') : readSections(file).get(name);
  return body === undefined ? '' : `<!-- section:${name} -->\n${body}<!-- /section:${name} -->\n`;
}
