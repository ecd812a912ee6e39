import fs from 'node:fs';
import path from 'node:path';
import { writeImage } from './encode.ts';
import type { Image } from '../core/image.ts';

/** One cell of a gallery row: an image (or nothing) and an optional caption under it. */
export interface GalleryCell {
  image: Image | null;
  caption?: string;
}

export interface GallerySpec {
  title: string;
  /** Column headings. */
  columns: string[];
  /** One row per query; each row's cells line up with `columns`. */
  rows: { caption: string; cells: GalleryCell[] }[];
  /** A paragraph under the title (plain text; how the page was made). */
  note?: string;
}

/**
 * Writes an HTML gallery a person can open and judge: `index.html` plus one JPEG per cell
 * (`img/r<row>-c<col>.jpg`), in a table with a heading per column and a caption per row and cell.
 * The page is written last, to a temporary name and renamed, so a reader never sees a half-written page.
 * @param dir output folder (created; existing files of the same names are replaced)
 * @returns the path of index.html
 * @example await writeGallery('bench/out/gallery', { title: 'completion', columns: ['query', 'ours'], rows })
 */
export async function writeGallery(dir: string, spec: GallerySpec): Promise<string> {
  const imgDir = path.join(dir, 'img');
  fs.mkdirSync(imgDir, { recursive: true });
  const body: string[] = [];
  for (let r = 0; r < spec.rows.length; r++) {
    const row = spec.rows[r];
    const cells: string[] = [`<th class="row">${escapeHtml(row.caption)}</th>`];
    for (let c = 0; c < spec.columns.length; c++) {
      const cell = row.cells[c];
      if (!cell || !cell.image) {
        cells.push(`<td class="empty">${escapeHtml(cell?.caption ?? '')}</td>`);
        continue;
      }
      const name = `r${r + 1}-c${c + 1}.jpg`;
      await writeImage(cell.image, path.join(imgDir, name), 92);
      const cap = cell.caption ? `<figcaption>${escapeHtml(cell.caption)}</figcaption>` : '';
      cells.push(`<td><figure><a href="img/${name}"><img src="img/${name}" loading="lazy" alt=""></a>${cap}</figure></td>`);
    }
    body.push(`<tr>${cells.join('')}</tr>`);
  }
  const head = `<tr><th></th>${spec.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(spec.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;background:#fafafa;color:#222}
table{border-collapse:collapse}th,td{padding:4px;vertical-align:top;text-align:center}
th.row{text-align:left;font-weight:normal;font-size:12px;max-width:140px;word-break:break-all}
img{width:180px;image-rendering:auto;border:1px solid #ccc}figure{margin:0}
figcaption{font-size:11px;max-width:180px;color:#555}td.empty{font-size:11px;color:#999}
</style></head><body>
<h1>${escapeHtml(spec.title)}</h1>
${spec.note ? `<p>${escapeHtml(spec.note)}</p>` : ''}
<table>
${head}
${body.join('\n')}
</table>
</body></html>
`;
  const file = path.join(dir, 'index.html');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, file);
  return file;
}

export function escapeHtml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}
