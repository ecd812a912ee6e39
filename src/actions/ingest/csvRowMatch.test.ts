import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCsvRows, type RunPhoto } from './csvRowMatch.ts';

const photos: RunPhoto[] = [
  { id: 1, path: '/data/sv/images/0.jpg', relPath: '0.jpg' },
  { id: 2, path: '/data/sv/images/7.jpg', relPath: '7.jpg' },
  { id: 3, path: '/data/scenes.tar.gz#buildings/0.jpg', relPath: 'buildings/0.jpg' },
  { id: 4, path: '/data/scenes.tar.gz#forest/5.jpg', relPath: 'forest/5.jpg' },
  { id: 5, path: '/data/scenes.tar.gz#sea/6.jpg', relPath: 'sea/6.jpg' },
  { id: 6, path: '/data/scenes.tar.gz#street/5.jpg', relPath: 'street/5.jpg' },
  { id: 2, path: '/data/copies/7-copy.jpg', relPath: '7-copy.jpg' }, // an exact copy of photo 2
];

test('CSV rows match by path relative to the CSV or the source, and a bare name only when unique in the run', () => {
  const rows = [
    { line: 2, file: 'images/0.jpg' }, // relative to the CSV's folder /data/sv
    { line: 3, file: 'buildings/0.jpg' }, // relative to the archive root
    { line: 4, file: '6.jpg' }, // bare and unique: sea/6.jpg
    { line: 5, file: '5.jpg' }, // bare, but two photos have that name
    { line: 6, file: 'nowhere.jpg' },
    { line: 7, file: '7-copy.jpg' }, // the copy's path: photo 2
    { line: 8, file: './images/7.jpg' }, // photo 2 again
    { line: 9, file: 'images\\missing/../0.jpg' }, // Windows separators, normalised: photo 1 again
  ];
  const { byPhoto, problems } = matchCsvRows(rows, photos, '/data/sv');
  assert.deepEqual([...byPhoto].map(([id, r]) => [id, r.line]), [[1, 2], [3, 3], [5, 4], [2, 7]]);
  assert.deepEqual(problems.map((p) => [p.line, p.kind]), [[5, 'ambiguous'], [6, 'unmatched'], [8, 'repeated'], [9, 'repeated']]);
  assert.match(problems[0].message, /"5.jpg" matches 2 photos \(\/data\/scenes.tar.gz#forest\/5.jpg, \/data\/scenes.tar.gz#street\/5.jpg\)/);
});

test('a row never reaches a photo outside the run', () => {
  const { byPhoto, problems } = matchCsvRows([{ line: 2, file: '0.jpg' }], [{ id: 9, path: '/x/a/1.jpg', relPath: '1.jpg' }], '/x');
  assert.equal(byPhoto.size, 0);
  assert.equal(problems[0].kind, 'unmatched');
});
