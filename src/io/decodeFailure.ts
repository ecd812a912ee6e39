/**
 * Why sharp could not decode a photo, in words a user can act on.
 *
 * libvips keeps one error buffer for the whole process, so when several photos fail at once (ingest
 * decodes in many threads) a failure can come back with an empty message — sharp then says only
 * "Unknown error" — or with lines that belong to another photo. So the reason is built from the bytes
 * first (a truncated file is truncated whatever the decoder said), then from those lines of sharp's
 * message that can belong to this photo's format, and says so when the decoder gave no reason.
 */

/** Loader names that prefix libvips messages, by the format sharp reports. */
const LOADERS: Record<string, RegExp> = {
  jpeg: /jpeg/i,
  png: /png/i,
  webp: /webp/i,
  gif: /gif/i,
  tiff: /tiff/i,
  heif: /heif|avif/i,
};
const ANY_LOADER = /jpeg|png|webp|gif|tiff|heif|avif|svg|pdf|jp2k|jxl/i;
/** Lines that say nothing about the photo. */
const UNSPECIFIC = /^(unknown error|source: bad seek to \d+|)$/i;

/**
 * One line saying why a photo did not decode: `truncated JPEG: the file ends before its end-of-image
 * marker (VipsJpeg: premature end of JPEG image)`, `corrupt PNG data: vipspng: libpng read error`, or
 * `corrupt GIF data (the decoder gave no reason)`.
 * @param bytes the photo's bytes
 * @param format sharp's format name from the header (`jpeg`, `png`, `heif`…)
 * @param sharpMessage the message of sharp's error (may be several lines, or "Unknown error")
 * @example describeDecodeFailure(jpeg.subarray(0, 1000), 'jpeg', 'Unknown error') // 'truncated JPEG: the file ends before its end-of-image marker'
 */
export function describeDecodeFailure(bytes: Uint8Array, format: string, sharpMessage: string): string {
  const name = format === 'heif' ? 'HEIF/AVIF' : format.toUpperCase();
  const detail = specificLines(sharpMessage, format).join('; ');
  const truncated = truncation(bytes, format);
  if (truncated) return `truncated ${name}: ${truncated}${detail ? ` (${detail})` : ''}`;
  return detail ? `corrupt ${name} data: ${detail}` : `corrupt ${name} data (the decoder gave no reason)`;
}

/** The distinct lines of sharp's message that are specific and can belong to `format` (at most 2). */
export function specificLines(message: string, format: string): string[] {
  const own = LOADERS[format];
  const lines = message
    .split('\n')
    .map((l) => l.replace(/^Input (buffer|file) has corrupt header:\s*/i, '').trim())
    .filter((l) => !UNSPECIFIC.test(l))
    // A line naming another format's loader came from another photo decoded at the same moment.
    .filter((l) => !ANY_LOADER.test(loaderPart(l)) || (own?.test(loaderPart(l)) ?? false));
  return [...new Set(lines)].slice(0, 2);
}

/** `VipsJpeg` of `VipsJpeg: premature end of JPEG image`; the whole line when it has no prefix. */
function loaderPart(line: string): string {
  const i = line.indexOf(':');
  return i > 0 ? line.slice(0, i) : line;
}

/** How the file is cut short, when its format's end marker or declared length shows it; else undefined. */
function truncation(b: Uint8Array, format: string): string | undefined {
  if (format === 'jpeg') {
    // EOI (FF D9) can only occur as a marker (entropy-coded FF bytes are stuffed), normally at the very end.
    const tail = b.subarray(Math.max(0, b.length - 1024));
    for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return undefined;
    return 'the file ends before its end-of-image marker';
  }
  if (format === 'png') {
    const tail = Buffer.from(b.subarray(Math.max(0, b.length - 64)));
    return tail.includes('IEND') ? undefined : 'the file ends before its IEND chunk';
  }
  if (format === 'webp' && b.length >= 12) {
    const declared = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    return declared + 8 > b.length ? `the file has ${b.length} of the ${declared + 8} bytes its header declares` : undefined;
  }
  if (format === 'gif') {
    let end = b.length - 1;
    while (end > 0 && b[end] === 0) end--;
    return b[end] === 0x3b ? undefined : 'the file ends before its trailer';
  }
  return undefined;
}

/** The format named by a file's first bytes (for headers sharp cannot parse), or undefined. */
export function sniffFormat(b: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (ascii(4, 8) === 'ftyp') return 'heif';
  return undefined;
}
