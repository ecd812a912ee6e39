import { z } from 'zod';
import { EXECUTION_PROVIDERS } from '../../nn/executionProvider.ts';

/** How a classification network runs: shared by `deja classify --model` and `deja eval classify --model`. */
export const ModelRunOptions = z.object({
  batch: z.number().int().min(1).max(1024).default(32).describe('Photos per network run (a model whose card fixes the batch at 1 takes one at a time).'),
  threads: z.number().int().min(1).max(64).default(1).describe('onnxruntime intra-op threads per run.'),
  provider: z.enum(EXECUTION_PROVIDERS).default('cpu').describe('Where the model runs: cpu, or cuda (an NVIDIA GPU with onnxruntime\'s CUDA binaries).'),
});
