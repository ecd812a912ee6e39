import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a command's output file (a contact sheet, a map, a colorized sheet), creating its folder
 * first: the one place actions write user-named files.
 *
 * @param file - path of the file, relative to the working directory or absolute.
 * @param bytes - the encoded file.
 * @example writeOutputFile('sheet.jpg', await contactSheet(tiles));
 */
export function writeOutputFile(file: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, bytes);
}
