import { onnxModel } from '../nn/onnxSession.ts';
import { parseExecutionProvider } from '../nn/executionProvider.ts';
import { imageBatchTensor } from '../nn/imageTensor.ts';
import { toGray, type Image } from '../core/image.ts';
import { DejaError } from '../core/errors.ts';
import { canonicalSpec, type Encoder, type EncoderFactory } from './encoder.ts';
import { IMAGENET_MEAN, IMAGENET_STD, modelSpecName, resolveCnnContract, type CnnContract } from './cnnContract.ts';

/**
 * Embedding from an ONNX model (a CNN trunk exported from PyTorch, say): the photo is resized (shorter
 * side) and centre-cropped to `size`×`size`, normalised per channel with `mean` and `std`, fed as
 * float32 in the model's layout, and the chosen output flattened and L2-normalised (compared with
 * cosine distance).
 *
 * Options: `model` (a path, or a model name from `deja models`), `size`, `mean` / `std`, `output`, `dim`,
 * `gray=1` (the photo's intensity replicated into every channel, so a gray query and the collection's
 * colour photos are described alike: what `deja colorize` needs of an encoder);
 * their defaults come from the model's card in `manifest.json` when it has one, else from the ONNX
 * graph's input and output shapes (size, dim) and ImageNet's statistics. So the dimension is known at
 * creation, without running the model. `threads` (1), `provider` (`cpu` or `cuda`) and `batch` (photos
 * per run, 16, for models with a dynamic batch) choose how it runs and are not part of the spec.
 * The spec records the model file's sha256 prefix, so descriptors from another model are refused.
 */
export const cnnFactory: EncoderFactory = {
  name: 'cnn',
  description: 'embedding from an ONNX model: cnn(model=path.onnx|name,size=224,mean=…,std=…,output=name,threads=1,provider=cpu|cuda)',
  options: ['model', 'size', 'mean', 'std', 'output', 'dim', 'gray', 'threads', 'provider', 'batch'],
  create(options): Encoder {
    const contract = resolveCnnContract(options);
    const threads = Number(options.threads ?? 1);
    const provider = parseExecutionProvider(options.provider ?? 'cpu');
    const batch = Number(options.batch ?? 16);
    if (!Number.isInteger(batch) || batch < 1 || batch > 1024)
      throw new DejaError('BAD_ARGUMENT', `Expected integer between 1 and 1024 for cnn batch but received ${options.batch}`);
    if (options.gray !== undefined && options.gray !== '0' && options.gray !== '1')
      throw new DejaError('BAD_ARGUMENT', `Expected 0 or 1 for cnn gray but received ${options.gray}`);
    const gray = options.gray === '1';
    const model = onnxModel(contract.file, { threads, provider });
    const perRun = contract.dynamicBatch ? batch : 1;
    const encodeBatch = async (images: readonly Image[]): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for (let i = 0; i < images.length; i += perRun) out.push(...(await runChunk(images.slice(i, i + perRun))));
      return out;
    };
    const runChunk = async (images: readonly Image[]): Promise<Float32Array[]> => {
      const input = imageBatchTensor(gray ? images.map((image) => toGray(image)) : images, contract);
      const { data: values } = (await model.runBatch({ [contract.input]: input }, [contract.output]))[contract.output];
      if (values.length !== images.length * contract.dim)
        throw new DejaError('MODEL_ERROR', `model output has ${values.length / images.length} values per photo, expected dim=${contract.dim}`, { file: contract.file });
      return images.map((_, i) => l2Normalise(values.slice(i * contract.dim, (i + 1) * contract.dim)));
    };
    return {
      name: 'cnn',
      spec: canonicalSpec('cnn', { ...specOptions(contract, options), ...(gray ? { gray: '1' } : {}) }),
      version: 1,
      dim: contract.dim,
      inputSize: contract.size,
      metric: 'cosine',
      async encode(image: Image) {
        return (await runChunk([image]))[0];
      },
      encodeBatch,
    };
  },
};

/** The options that change the output: the model (name and sha256 prefix), and size, mean, std and output where not the defaults. */
function specOptions(c: CnnContract, options: Readonly<Record<string, string>>): Record<string, string> {
  const spec: Record<string, string> = { model: modelSpecName(c), sha: c.sha256.slice(0, 12) };
  if (c.size !== 224) spec.size = String(c.size);
  if (options.mean || c.mean.join('/') !== IMAGENET_MEAN.join('/')) spec.mean = c.mean.join('/');
  if (options.std || c.std.join('/') !== IMAGENET_STD.join('/')) spec.std = c.std.join('/');
  if (options.output) spec.output = c.output;
  return spec;
}

function l2Normalise(v: Float32Array): Float32Array {
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i];
  const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}
