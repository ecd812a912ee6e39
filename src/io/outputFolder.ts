import fs from 'node:fs';
import path from 'node:path';

/** Adds one file to a folder being staged by `writeOutputFolder`. */
export type StageFile = (name: string, bytes: Buffer) => void;

/**
 * Writes an output folder all or nothing: `fill` writes its files into a temporary sibling folder
 * (`<out>.tmp-<pid>-<ms>`), and only when every one was written are they moved into `out` (created
 * when missing; files of other names already there are left alone). The temporary folder is removed
 * whatever happens, so a failure half-way leaves `out` as it was.
 * @param out the output folder, as the user gave it
 * @param fill writes the files, each by a bare name (no separators)
 * @returns the absolute paths of the files in `out`, in the order they were written
 * @throws whatever `fill` throws, and the file system's errors (unwritable folder, full disk)
 * @example const [a] = await writeOutputFolder('out', async (add) => add('grid.jpg', jpeg)) // '/abs/out/grid.jpg'
 */
export async function writeOutputFolder(out: string, fill: (add: StageFile) => Promise<void>): Promise<string[]> {
  const dir = path.resolve(out);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const names: string[] = [];
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await fill((name, bytes) => {
      if (name !== path.basename(name) || name === '.' || name === '..') throw new Error(`assertion failed: output file name ${JSON.stringify(name)}`);
      fs.writeFileSync(path.join(tmp, name), bytes);
      names.push(name);
    });
    fs.mkdirSync(dir, { recursive: true });
    for (const f of names) fs.renameSync(path.join(tmp, f), path.join(dir, f));
    return names.map((n) => path.join(dir, n));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
