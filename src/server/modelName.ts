import { z } from 'zod';

/**
 * The field a client names a model with: a card name of the server's manifest (GET /api/models), never
 * a path — anything with a slash, a dot or an upper-case letter is refused before any lookup.
 * @param description what the model is used for, for the OpenAPI document
 */
export function modelNameField(description: string) {
  return z.string().regex(/^[a-z][a-z0-9-]*$/, 'a model name from GET /api/models').describe(description);
}
