import { resolve } from 'node:path';
import { ConfigError, generateKey, readApiKeys, readBool, readInt, readList, readSecret, type Env } from '@toolpack/shared';

export type KernelScope = 'chat' | 'user';

export interface JupyterConfig {
  host: string;
  port: number;
  apiKeys: string[];
  keyGenerated: boolean;
  /** Workspaces root, shared with the files server: users/<key>/ and shared/. */
  dataDir: string;
  sharedRoot: string;
  /** The same root as the kernels see it (differs when Jupyter runs in another container). */
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
  publicUrl?: string;
  linkSecret: string;
  linkTtlMinutes: number;
  jwtSecret?: string;
  requireIdentity: boolean;
  corsOrigins: string[];
  logLevel: string;
}

/** Reads the Jupyter bridge's settings (README, "The Jupyter bridge"); throws ConfigError on bad values. */
export function readJupyterConfig(env: Env): JupyterConfig {
  const dataDir = resolve(env.JUPYTER_DATA_DIR ?? './data');
  const { keys, generated } = readApiKeys(env, 'JUPYTER');
  const scope = (env.JUPYTER_KERNEL_SCOPE ?? 'chat') as KernelScope;
  if (scope !== 'chat' && scope !== 'user') throw new ConfigError('JUPYTER_KERNEL_SCOPE must be "chat" or "user".');
  const token = readSecret(env, 'JUPYTER_TOKEN');
  const password = readSecret(env, 'JUPYTER_PASSWORD');
  if (token && password) throw new ConfigError('Set JUPYTER_TOKEN or JUPYTER_PASSWORD, not both.');
  const maxTimeoutSeconds = readInt(env, 'JUPYTER_MAX_TIMEOUT_SECONDS', 600, { min: 1, max: 3600 });
  return {
    host: env.JUPYTER_HOST ?? '127.0.0.1',
    port: readInt(env, 'JUPYTER_PORT', 8003, { min: 0, max: 65535 }),
    apiKeys: keys,
    keyGenerated: generated,
    dataDir,
    sharedRoot: resolve(env.JUPYTER_SHARED_ROOT ?? `${dataDir}/shared`),
    kernelDataDir: env.JUPYTER_KERNEL_DATA_DIR ?? dataDir,
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
    publicUrl: env.JUPYTER_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    linkSecret: readSecret(env, 'JUPYTER_LINK_SECRET') ?? readSecret(env, 'TOOLPACK_LINK_SECRET') ?? generateKey(),
    linkTtlMinutes: readInt(env, 'JUPYTER_LINK_TTL_MINUTES', 1440, { min: 1, max: 10080 }),
    jwtSecret: readSecret(env, 'FORWARD_USER_INFO_HEADER_JWT_SECRET'),
    requireIdentity: readBool(env, 'JUPYTER_REQUIRE_IDENTITY', false),
    corsOrigins: readList(env, 'JUPYTER_CORS_ORIGINS', ['*']),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
