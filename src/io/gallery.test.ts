import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createImage } from '../core/image.ts';
import { writeGallery } from './gallery.ts';

test('the gallery writes one JPEG per image cell and a table with escaped captions', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deja-gallery-'));
  try {
    const img = createImage(16, 12, 3, new Float32Array(16 * 12 * 3).fill(0.5));
    const file = await writeGallery(dir, {
      title: 'a <test>',
      columns: ['query', 'ours'],
      rows: [
        { caption: 'photo 1', cells: [{ image: img, caption: 'q & a' }, { image: null, caption: 'no result' }] },
        { caption: 'photo 2', cells: [{ image: img }, { image: img, caption: 'score 1.2' }] },
      ],
    });
    const html = fs.readFileSync(file, 'utf8');
    assert.ok(html.includes('<title>a &lt;test&gt;</title>'));
    assert.ok(html.includes('q &amp; a') && html.includes('no result'));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'img')).sort(), ['r1-c1.jpg', 'r2-c1.jpg', 'r2-c2.jpg']);
    assert.equal((html.match(/<img /g) ?? []).length, 3);
    assert.ok(!fs.readdirSync(dir).some((f) => f.includes('.tmp-')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
