import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { DejaError } from '../core/errors.ts';

/** Where a model runs: `cpu` (the default, always there) or `cuda` (an NVIDIA GPU with onnxruntime's CUDA binaries). */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** The hint for a machine without CUDA: how to get it, and the way back to the CPU. */
export const CUDA_HINT =
  'on a machine with an NVIDIA GPU and CUDA 12, reinstall the runtime with its CUDA binaries (ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node), or use provider=cpu';

/**
 * Parses a provider name.
 * @throws DejaError UNKNOWN_NAME listing the providers
 */
export function parseExecutionProvider(name: string): ExecutionProvider {
  if ((EXECUTION_PROVIDERS as readonly string[]).includes(name)) return name as ExecutionProvider;
  throw new DejaError('UNKNOWN_NAME', `unknown execution provider "${name}": must be one of [${EXECUTION_PROVIDERS.join(', ')}]`);
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed beside its binding (the install script
 * puts `libonnxruntime_providers_cuda.so` there only when asked to) and an NVIDIA driver is present.
 * A GPU that still fails is reported when the session is created.
 */
export function cudaInstalled(): boolean {
  if (process.platform !== 'linux' && process.platform !== 'win32') return false;
  let bin: string;
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    bin = path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return false;
  }
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  const driver = process.platform === 'win32' || fs.existsSync('/dev/nvidiactl') || fs.existsSync('/proc/driver/nvidia/version');
  return driver && fs.existsSync(path.join(bin, lib));
}

/**
 * Refuses a provider this machine cannot run.
 * @throws DejaError MODEL_ERROR for `cuda` without the CUDA binaries or an NVIDIA driver, with how to get them
 */
export function assertProviderAvailable(provider: ExecutionProvider, installed: () => boolean = cudaInstalled): void {
  if (provider === 'cuda' && !installed())
    throw new DejaError('MODEL_ERROR', 'execution provider cuda is not available on this machine', { hint: CUDA_HINT });
}
