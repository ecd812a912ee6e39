import path from 'node:path';

/**
 * Matches photo paths to the `file` values of a CSV: the CSV may give a path relative to itself,
 * an archive member name, or a bare file name. Longest suffix wins.
 */
export class PathMatcher<T> {
  private readonly bySuffix = new Map<string, T>();

  constructor(entries: Iterable<[string, T]>, baseDir: string) {
    for (const [file, value] of entries) {
      const norm = file.replace(/\\/g, '/').replace(/^\.\//, '');
      this.bySuffix.set(norm, value);
      this.bySuffix.set(path.resolve(baseDir, norm), value);
    }
  }

  get size(): number {
    return this.bySuffix.size;
  }

  /** The value for a photo path (`/abs/file.jpg` or `/abs/archive.tar#dir/file.jpg`), or undefined. */
  lookup(photoPath: string): T | undefined {
    const direct = this.bySuffix.get(photoPath);
    if (direct !== undefined) return direct;
    const member = photoPath.includes('#') ? photoPath.slice(photoPath.indexOf('#') + 1) : photoPath;
    const parts = member.split(/[\\/]/);
    for (let i = 0; i < parts.length; i++) {
      const v = this.bySuffix.get(parts.slice(i).join('/'));
      if (v !== undefined) return v;
    }
    return undefined;
  }
}
