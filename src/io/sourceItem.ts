import fs from 'node:fs';
import path from 'node:path';
import type { DejaError } from '../core/errors.ts';
import { readRegularFile } from './readRegularFile.ts';

/** File extensions picked up when walking folders and archives (explicit files are always tried). */
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.heif']);

/** One photo to ingest, wherever it lives. */
export interface SourceItem {
  /** Absolute file path, or `absolute archive path#member`. */
  path: string;
  /** The name of the folder holding it (for `--label-from-folder`). */
  folder: string;
  /**
   * Its path relative to the source it was found in, `/`-separated: below the folder walked, the archive
   * member name, relative to the list file's folder, or the file name of a file given directly.
   */
  relPath: string;
  /** Offset of the bytes in an uncompressed tar, for cheap re-reads; null otherwise. */
  dataOffset: number | null;
  /** True for members of compressed archives: their bytes must be kept to be read again. */
  compressed: boolean;
  /**
   * Reads the bytes (throws DejaError for unreadable files). Problems found while listing (a missing
   * source, a FIFO, an unreadable folder, a symlink loop, a file over the size limit) are items too,
   * whose `read` throws the reason, so every consumer reports them as skipped.
   */
  read(): Buffer;
  /** Size and modification time (of the file, or of the archive holding it) without reading it: tells a changed photo from an unchanged one. */
  stamp(): FileStamp;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** Stamp of a file; size -1 when it cannot be stat'ed (it is then read and hashed). */
export function fileStamp(abs: string): FileStamp {
  try {
    const st = fs.statSync(abs);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { size: -1, mtimeMs: -1 };
  }
}

/** A photo file; it is opened only when read, and then only if it is a regular file within the size limit. */
export function fileItem(abs: string, relPath: string): SourceItem {
  return {
    path: abs,
    folder: path.basename(path.dirname(abs)),
    relPath,
    dataOffset: null,
    compressed: false,
    read: () => readRegularFile(abs),
    stamp: () => fileStamp(abs),
  };
}

/** An item that could not be listed properly: reading it throws the reason. */
export function problemItem(p: string, relPath: string, reason: DejaError): SourceItem {
  return {
    path: p,
    folder: path.basename(path.dirname(p)),
    relPath,
    dataOffset: null,
    compressed: false,
    read: () => {
      throw reason;
    },
    stamp: () => ({ size: -1, mtimeMs: -1 }),
  };
}

