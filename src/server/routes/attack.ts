import { z } from 'zod';
import { DejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { AttackOptions, attackImage, attackPngs, prepareAttack } from '../../actions/attack.ts';
import { ATTACK_METHODS } from '../../decoders/attack/methods.ts';
import { registeredClassifier, type ClassifierContract } from '../../nn/classifierModel.ts';
import type { JobContext } from '../jobs.ts';
import { modelNameField } from '../modelName.ts';
import { requestPhoto } from '../requestPhoto.ts';
import { defineRoute, type JobEnv } from '../route.ts';
import { AttackResult } from '../responses.ts';

/** The most work one request may ask for (the CLI's own bounds are the operator's); the job time limit applies on top. */
export const ATTACK_REQUEST_LIMITS = { steps: 100, population: 1000, iterations: 100, samples: 32, draws: 100 } as const;

const o = AttackOptions.shape;
const capped = (field: z.ZodDefault<z.ZodNumber>, max: number) => field.unwrap().max(max).default(field.def.defaultValue).describe(`${field.description} At most ${max} per request.`);

/**
 * The attack's options a client may set: the model only by name among the manifest's classifiers, the
 * work bounded; the manifest, the output files and how the network runs (batch, threads, provider) are the server's.
 */
const AttackFields = z.object({
  model: modelNameField('The classification model to attack (GET /api/models: `classifiers`; gradient methods need one of `classifiersWithGradient`).'),
  photoId: z.number().int().min(1).optional().describe('Attack this collection photo instead of an upload.'),
  method: o.method,
  eps: o.eps,
  pixels: o.pixels,
  target: o.target,
  steps: capped(o.steps, ATTACK_REQUEST_LIMITS.steps),
  stepSize: o.stepSize,
  population: capped(o.population, ATTACK_REQUEST_LIMITS.population),
  iterations: capped(o.iterations, ATTACK_REQUEST_LIMITS.iterations),
  samples: capped(o.samples, ATTACK_REQUEST_LIMITS.samples),
  draws: capped(o.draws, ATTACK_REQUEST_LIMITS.draws),
  seed: o.seed,
});
type AttackFields = z.output<typeof AttackFields>;

interface AttackInput {
  image: Image;
  name: string;
  fields: Omit<AttackFields, 'photoId'>;
}

/** The registered classifier and the attack on it, checked: a refusal is a 400 before any job. */
function preparedFor(manifest: string | undefined, fields: AttackInput['fields']) {
  const contract = registeredClassifier(fields.model, manifest);
  refuseWithoutGradient(contract, fields.method);
  return prepareAttack(fields, contract);
}

/** A gradient method asked of a model whose card names no input-gradient graph: the client's choice, so 400 (the CLI's MODEL_ERROR names server files). */
function refuseWithoutGradient(c: ClassifierContract, method: AttackFields['method']): void {
  if (ATTACK_METHODS[method].gradient && !c.card.gradient)
    throw new DejaError('BAD_ARGUMENT', `${method} needs the input-gradient graph of model ${c.name}, and it has none`, {
      hint: 'use method one-pixel (a black box), or a model GET /api/models lists in classifiersWithGradient',
    });
}

export default defineRoute({
  method: 'POST',
  url: '/api/attack',
  summary: 'An adversarial example of a photo for a classification model: fgsm, pgd and eot through its input-gradient graph, one-pixel as a black box (as deja attack)',
  tag: 'recognition',
  fields: AttackFields,
  files: [{ name: 'photo', description: 'the photo to attack (omit when sending photoId); cropped to the model\'s input', required: false }],
  job: {
    kind: 'attack',
    run: async ({ settings }: JobEnv, { image, name, fields }: AttackInput, job: JobContext) => {
      const { result, images } = await attackImage(image, preparedFor(settings.manifest, fields), job.progress);
      const pngs = await attackPngs(result, images);
      return { photo: name, ...result, adversarial: job.saveFile('adversarial.png', pngs.adversarial), panel: job.saveFile('panel.png', pngs.panel) };
    },
  },
  response: AttackResult,
  returns: 'the scores before and after, success, the perturbation norms, and the adversarial crop and the panel (job file URLs)',
  handle: async ({ ctx, fields, files }): Promise<AttackInput> => {
    const { photoId, ...rest } = fields;
    const { contract } = preparedFor(ctx.settings.manifest, rest);
    const { image, name } = await requestPhoto(ctx, files[0], photoId, contract.input.size);
    return { image, name, fields: rest };
  },
});
