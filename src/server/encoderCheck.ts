import { createEncoderResolved, parseCombinedSpec } from '../encoders/factory.ts';

/**
 * Resolves every encoder of a (possibly combined) spec, so an unknown name or bad option is answered
 * with 400 when the request arrives rather than as a failed job later.
 * @throws DejaError UNKNOWN_NAME, BAD_ARGUMENT
 */
export async function checkEncoderSpec(spec: string): Promise<void> {
  await Promise.all(parseCombinedSpec(spec).map((p) => createEncoderResolved(p.spec)));
}
