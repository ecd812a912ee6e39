import fs from 'node:fs';
import { DejaError } from '../core/errors.ts';

/** A parsed CSV: header names and rows with their 1-based line numbers. */
export interface Csv {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

/**
 * Reads a CSV file (RFC 4180 quoting, comma or semicolon or tab separated, first line is the header).
 * @throws DejaError NOT_FOUND / BAD_ARGUMENT for a missing or empty file
 */
export function readCsv(file: string): Csv {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DejaError('NOT_FOUND', 'CSV file not found', { file, hint: 'check the path' });
  }
  const records = csvRecords(text);
  if (records.length === 0) throw new DejaError('BAD_ARGUMENT', 'CSV file is empty', { file, hint: 'the first line must be a header' });
  return { header: records[0].cells.map((h) => h.trim().toLowerCase()), rows: records.slice(1) };
}

/**
 * RFC 4180 records of CSV text, each with the 1-based line it starts on; blank lines dropped, a leading
 * BOM ignored. The separator (comma, semicolon or tab) is the one that splits the first line most.
 */
export function csvRecords(text: string): { line: number; cells: string[] }[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const sep = [',', ';', '\t'].reduce((best, c) => (firstLine.split(c).length > firstLine.split(best).length ? c : best), ',');
  return parseRecords(text, sep).filter((r) => r.cells.some((c) => c.trim() !== ''));
}

function parseRecords(text: string, sep: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      out.push({ line: startLine, cells });
      cells = [];
      cell = '';
      line++;
      startLine = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length) {
    cells.push(cell);
    out.push({ line: startLine, cells });
  }
  return out;
}

/** Column index of the first header name found, or -1. */
export function column(csv: Csv, ...names: string[]): number {
  for (const n of names) {
    const i = csv.header.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}
