import { z } from 'zod';
import type { RouteSpec } from './route.ts';
import { ErrorResponse, Job, jobOf } from './responses.ts';

type Json = Record<string, unknown>;

/** JSON Schema of a task's options as a client sends them (defaults optional). */
function inputSchema(schema: z.ZodObject): { properties: Record<string, Json>; required: string[] } {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Json>; required?: string[] };
  return { properties: js.properties ?? {}, required: js.required ?? [] };
}

/** JSON Schema of an answer as the server sends it. */
function outputSchema(schema: z.ZodType): Json {
  const { $schema: _, ...js } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Json;
  return js;
}

/**
 * The OpenAPI 3.1 document of the routes, generated from the same zod schemas that validate requests
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod emits).
 */
export function openApiDocument(routes: RouteSpec[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const url = r.url.replace(/:([a-zA-Z]+)/g, '{$1}');
    const parameters: Json[] = [];
    for (const [name, p] of Object.entries(r.params ?? {}))
      parameters.push({ name, in: 'path', required: true, description: p.description, schema: { type: 'string', pattern: p.pattern.source } });
    if (r.query) {
      const q = inputSchema(r.query);
      for (const [name, schema] of Object.entries(q.properties)) parameters.push({ name, in: 'query', required: q.required.includes(name), schema });
    }
    if (r.job) parameters.push({ name: 'wait', in: 'query', required: false, description: 'answer 200 with the finished job instead of 202 at once', schema: { type: 'boolean', default: false } });
    const op: Json = { summary: r.summary, tags: [r.tag], operationId: operationId(r), parameters };
    if (r.method === 'POST') {
      const f = inputSchema(r.fields ?? z.object({}));
      const files = r.files ?? [];
      const fileProps = Object.fromEntries(
        files.map((file) => [
          file.name,
          file.multiple
            ? { type: 'array', items: { type: 'string', format: 'binary' }, description: file.description }
            : { type: 'string', format: 'binary', description: file.description },
        ]),
      );
      const content: Json = {
        'multipart/form-data': {
          schema: { type: 'object', properties: { ...fileProps, ...f.properties }, required: [...files.filter((x) => x.required).map((x) => x.name), ...f.required] },
        },
      };
      if (!files.some((x) => x.required)) content['application/json'] = { schema: { type: 'object', additionalProperties: false, properties: f.properties, required: f.required } };
      op.requestBody = { required: true, content };
    }
    const json = (schema: Json) => ({ 'application/json': { schema } });
    const ok = r.job
      ? {
          '202': { description: `job accepted; its result once done: ${r.returns}`, content: json({ $ref: '#/components/schemas/Job' }) },
          '200': { description: 'with ?wait=true: the finished job', content: json(outputSchema(jobOf(r.response))) },
        }
      : { '200': { description: r.returns, content: r.produces ? produced(r) : json(r.response ? outputSchema(r.response) : { type: 'object' }) } };
    const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    op.responses = {
      ...ok,
      '400': err('bad input: a field, a file or a photo (one line: message, file, hint)'),
      '404': err('no such photo, job or file'),
      ...(r.files?.length ? { '413': err('upload over the byte or pixel limit'), '415': err('not an image, or not multipart/form-data') } : {}),
      '503': err(r.job ? 'the job queue is full' : 'past the request time limit'),
    };
    (paths[url] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Deja HTTP API', version, description: 'Data-driven computational photography over a photo collection: the same tasks as the deja CLI.' },
    paths,
    components: { schemas: { Error: outputSchema(ErrorResponse), Job: outputSchema(Job) } },
  };
}

/** The content of a non-JSON answer: each media type it may have, with the route's schema of it (a binary string by default). */
function produced(r: RouteSpec): Json {
  const schema = r.producesSchema ? outputSchema(r.producesSchema) : { type: 'string', format: 'binary' };
  return Object.fromEntries((typeof r.produces === 'string' ? [r.produces] : [...(r.produces ?? [])]).map((type) => [type, { schema }]));
}

function operationId(r: RouteSpec): string {
  const words = r.url.replace(/^\/api\//, '').split(/[/:]+/).filter(Boolean);
  return r.method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
