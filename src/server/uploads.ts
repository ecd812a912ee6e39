import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DejaError, isDejaError } from '../core/errors.ts';
import { probeImage } from '../io/decode.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { FIELDS_HINT } from './httpErrors.ts';

/** One uploaded file. */
export interface Upload {
  field: string;
  /** The client's file name (for messages only; never used as a path). */
  name: string;
  bytes: Buffer;
}

/** A file field a route accepts, as OpenAPI documents it. */
export interface FileField {
  name: string;
  description: string;
  required: boolean;
  /**
   * Several files under the same field name (a photo sequence). They are a batch: the route checks
   * each one itself (`probeUploads`), so one unreadable photo is skipped and reported, not fatal.
   */
  multiple?: boolean;
}

export interface UploadLimits {
  maxUploadBytes: number;
  maxRequestBytes: number;
  maxPixels: number;
  maxFiles: number;
}

/**
 * Reads a request's files and fields: multipart/form-data (files + text fields), or a JSON object
 * (fields only). Each file is checked as an image from its header (format, pixel limit) before any
 * work starts, so a bad upload costs nothing and is answered with one line.
 * @throws DejaError BAD_ARGUMENT (unexpected or missing file fields, wrong content type, a malformed
 *   multipart body), TOO_LARGE,
 *   NOT_AN_IMAGE, EMPTY_FILE, TOO_MANY_PIXELS
 */
export async function readUploads(request: FastifyRequest, files: FileField[], limits: UploadLimits): Promise<{ files: Upload[]; fields: Record<string, unknown> }> {
  let uploads: Upload[] = [];
  const fields: Record<string, unknown> = {};
  if (request.isMultipart()) {
    try {
      uploads = await readMultipart(request, files, limits, fields);
    } catch (e) {
      throw malformedMultipart(e);
    }
  } else if (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) {
    Object.assign(fields, request.body);
  } else if (files.some((f) => f.required)) {
    throw new DejaError('BAD_ARGUMENT', `expected multipart/form-data with ${fileHint(files)}`, { hint: 'e.g. curl -F photo=@photo.jpg …' });
  }
  for (const f of files) {
    const got = uploads.filter((u) => u.field === f.name).length;
    if (f.required && got === 0) throw new DejaError('BAD_ARGUMENT', `missing file field "${f.name}"`, { hint: fileHint(files) });
    if (!f.multiple && got > 1) throw new DejaError('BAD_ARGUMENT', `send one file in "${f.name}", not ${got}`);
  }
  const single = new Set(files.filter((f) => !f.multiple).map((f) => f.name));
  for (const u of uploads) if (single.has(u.field)) await probeImage(u.bytes, probeOptions(u, limits));
  return { files: uploads, fields };
}

/** The files of a multipart body (its text fields go into `fields`), within the byte limits. */
async function readMultipart(request: FastifyRequest, files: FileField[], limits: UploadLimits, fields: Record<string, unknown>): Promise<Upload[]> {
  const uploads: Upload[] = [];
  let total = 0;
  for await (const part of request.parts({ limits: { fileSize: limits.maxUploadBytes, files: limits.maxFiles, fields: 64, fieldSize: 64 * 1024 } })) {
    if (part.type !== 'file') {
      fields[part.fieldname] = part.value;
      continue;
    }
    const spec = files.find((f) => f.name === part.fieldname);
    const name = part.filename || part.fieldname;
    if (!spec) {
      part.file.resume();
      throw new DejaError('BAD_ARGUMENT', `unexpected file field "${part.fieldname}"`, { hint: fileHint(files) });
    }
    const bytes = await readFilePart(part, name, limits.maxUploadBytes);
    total += bytes.length;
    if (total > limits.maxRequestBytes)
      throw new DejaError('TOO_LARGE', `the files of this request are over the ${(limits.maxRequestBytes / 1024 / 1024).toFixed(0)} MiB limit in all`, {
        file: name,
        hint: 'send fewer or smaller photos per request (deja serve --max-request-mb)',
      });
    uploads.push({ field: part.fieldname, name, bytes });
  }
  return uploads;
}

function probeOptions(u: Upload, limits: Pick<UploadLimits, 'maxPixels'>) {
  return { name: u.name, pixelLimit: limits.maxPixels, limitHint: `this server accepts at most ${Math.round(limits.maxPixels / 1e6)} MP (deja serve --max-pixels)` };
}

/**
 * Checks a batch of uploads one by one (format, pixel limit): the readable ones, and the others with
 * their one-line reason.
 * @throws DejaError BAD_ARGUMENT when none is readable
 */
export async function probeUploads(uploads: Upload[], limits: Pick<UploadLimits, 'maxPixels'>): Promise<{ ok: Upload[]; skipped: { path: string; reason: string }[] }> {
  const ok: Upload[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const u of uploads) {
    try {
      await probeImage(u.bytes, probeOptions(u, limits));
      ok.push(u);
    } catch (e) {
      if (!isDejaError(e)) throw e;
      skipped.push({ path: u.name, reason: e.oneLine() });
    }
  }
  if (ok.length === 0) throw new DejaError('BAD_ARGUMENT', `none of the ${uploads.length} uploaded photos can be read`, { file: skipped[0]?.path, hint: skipped[0]?.reason });
  return { ok, skipped };
}

async function readFilePart(part: { toBuffer(): Promise<Buffer>; file: { truncated: boolean } }, name: string, max: number): Promise<Buffer> {
  const tooLarge = () => new DejaError('TOO_LARGE', `upload is over the ${(max / 1024 / 1024).toFixed(0)} MiB limit`, { file: name, hint: 'send a smaller photo (deja serve --max-upload-mb)' });
  try {
    const bytes = await part.toBuffer();
    if (part.file.truncated) throw tooLarge();
    return bytes;
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw e;
  }
}

/**
 * An error from reading a multipart body as the client's fault: the parser's own errors (a truncated
 * body, a missing or wrong boundary, a bad part header) are plain Errors, which would answer 500.
 * DejaErrors and errors that already carry a 4xx status (fastify's limits) pass through.
 */
function malformedMultipart(e: unknown): unknown {
  if (isDejaError(e)) return e;
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return e;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new DejaError('BAD_ARGUMENT', `malformed multipart/form-data body: ${message}`, {
    hint: 'send a complete multipart body whose parts are separated by the boundary of its content-type (e.g. curl -F photo=@photo.jpg …)',
  });
}

function fileHint(files: FileField[]): string {
  return `file fields: ${files.map((f) => `${f.name}${f.required ? '' : ' (optional)'}`).join(', ') || 'none'}`;
}

/**
 * Parses text fields with a task's option schema: multipart values are strings, so each is first
 * converted to the type the schema's JSON Schema gives the field (number, boolean, array of numbers
 * or strings as comma lists). Unknown fields are refused, naming the accepted ones.
 * @throws DejaError BAD_ARGUMENT
 */
export function parseFields<T extends z.ZodObject>(schema: T, fields: Record<string, unknown>): z.output<T> {
  const props = fieldTypes(schema);
  const value: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(fields)) {
    const prop = props[key];
    if (!prop) throw new DejaError('BAD_ARGUMENT', `unknown field "${key}"`, { hint: `accepted fields: ${Object.keys(props).join(', ') || 'none'}` });
    value[key] = typeof raw === 'string' ? coerce(raw, prop) : raw;
  }
  return parseOptions(schema, value, FIELDS_HINT);
}

interface JsonProp {
  type?: string;
  items?: { type?: string };
}

const fieldTypesCache = new WeakMap<z.ZodObject, Record<string, JsonProp>>();

/** The JSON Schema of each field, derived once per schema (every request of a route parses the same one). */
function fieldTypes(schema: z.ZodObject): Record<string, JsonProp> {
  let props = fieldTypesCache.get(schema);
  if (!props) {
    props = (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProp> }).properties ?? {};
    fieldTypesCache.set(schema, props);
  }
  return props;
}

function coerce(raw: string, prop: JsonProp): unknown {
  const s = raw.trim();
  switch (prop.type) {
    case 'integer':
    case 'number':
      return s !== '' && Number.isFinite(Number(s)) ? Number(s) : raw;
    case 'boolean':
      return s === 'true' || s === '1' || s === 'on' ? true : s === 'false' || s === '0' || s === 'off' ? false : raw;
    case 'array':
      return s === '' ? [] : s.split(',').map((x) => coerce(x, prop.items ?? {}));
    default:
      return raw;
  }
}
