import { ConfigError, readInt, readSecret, readServerConfig, type Env, type ServerConfig } from '@toolpack/shared';

export type KernelScope = 'chat' | 'user';

export interface JupyterConfig extends ServerConfig {
  /** The workspaces root as the kernels see it (differs when Jupyter runs in another container). */
  kernelDataDir: string;
  /** An external Jupyter server; unset = start and own one (embedded). */
  jupyterUrl?: string;
  jupyterToken?: string;
  jupyterPassword?: string;
  kernelName: string;
  scope: KernelScope;
  idleMinutes: number;
  maxKernelsPerUser: number;
  maxKernels: number;
  defaultTimeoutSeconds: number;
  maxTimeoutSeconds: number;
  maxOutputChars: number;
}

/** Reads the Jupyter bridge's settings (README, "The Jupyter bridge"); throws ConfigError on bad values. */
export function readJupyterConfig(env: Env): JupyterConfig {
  const common = readServerConfig(env, 'JUPYTER', 8003);
  const scope = (env.JUPYTER_KERNEL_SCOPE ?? 'chat') as KernelScope;
  if (scope !== 'chat' && scope !== 'user') throw new ConfigError('JUPYTER_KERNEL_SCOPE must be "chat" or "user".');
  const token = readSecret(env, 'JUPYTER_TOKEN');
  const password = readSecret(env, 'JUPYTER_PASSWORD');
  if (token && password) throw new ConfigError('Set JUPYTER_TOKEN or JUPYTER_PASSWORD, not both.');
  const maxTimeoutSeconds = readInt(env, 'JUPYTER_MAX_TIMEOUT_SECONDS', 600, { min: 1, max: 3600 });
  return {
    ...common,
    kernelDataDir: env.JUPYTER_KERNEL_DATA_DIR ?? common.dataDir,
    jupyterUrl: env.JUPYTER_URL?.replace(/\/+$/, '') || undefined,
    jupyterToken: token,
    jupyterPassword: password,
    kernelName: env.JUPYTER_KERNEL_NAME ?? 'python3',
    scope,
    idleMinutes: readInt(env, 'JUPYTER_IDLE_MINUTES', 30, { min: 1 }),
    maxKernelsPerUser: readInt(env, 'JUPYTER_MAX_KERNELS_PER_USER', 4, { min: 1 }),
    maxKernels: readInt(env, 'JUPYTER_MAX_KERNELS', 32, { min: 1 }),
    defaultTimeoutSeconds: readInt(env, 'JUPYTER_TIMEOUT_SECONDS', 60, { min: 1, max: maxTimeoutSeconds }),
    maxTimeoutSeconds,
    maxOutputChars: readInt(env, 'JUPYTER_MAX_OUTPUT_CHARS', 20_000, { min: 1000 }),
  };
}
