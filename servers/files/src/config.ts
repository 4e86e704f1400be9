import { resolve } from 'node:path';
import { generateKey, readApiKeys, readBool, readInt, readList, readSecret, type Env } from '@toolpack/shared';

export interface FilesConfig {
  host: string;
  port: number;
  /** Holds users/ (one workspace per user) and .tmp/ (uploads in flight). */
  dataDir: string;
  /** The workspace used when a call carries no identity. */
  sharedRoot: string;
  /** Base URL that users' browsers reach this server at (for signed links); else taken from the request. */
  publicUrl?: string;
  apiKeys: string[];
  keyGenerated: boolean;
  jwtSecret?: string;
  requireIdentity: boolean;
  corsOrigins: string[];
  maxUploadBytes: number;
  maxOutputChars: number;
  linkSecret: string;
  linkTtlMinutes: number;
  logLevel: string;
}

/** Reads the files server's settings (see README, "Configuration"); throws ConfigError on bad values. */
export function readFilesConfig(env: Env): FilesConfig {
  const dataDir = resolve(env.FILES_DATA_DIR ?? './data');
  const { keys, generated } = readApiKeys(env, 'FILES');
  const publicUrl = env.FILES_PUBLIC_URL?.replace(/\/+$/, '') || undefined;
  return {
    host: env.FILES_HOST ?? '127.0.0.1',
    port: readInt(env, 'FILES_PORT', 8002, { min: 0, max: 65535 }),
    dataDir,
    sharedRoot: resolve(env.FILES_SHARED_ROOT ?? `${dataDir}/shared`),
    publicUrl,
    apiKeys: keys,
    keyGenerated: generated,
    jwtSecret: readSecret(env, 'FORWARD_USER_INFO_HEADER_JWT_SECRET'),
    requireIdentity: readBool(env, 'FILES_REQUIRE_IDENTITY', false),
    corsOrigins: readList(env, 'FILES_CORS_ORIGINS', ['*']),
    maxUploadBytes: readInt(env, 'FILES_MAX_UPLOAD_MB', 2048, { min: 1 }) * 1024 * 1024,
    maxOutputChars: readInt(env, 'FILES_MAX_OUTPUT_CHARS', 50_000, { min: 1000 }),
    // Links must survive a restart only if a secret is configured; else they last one run.
    linkSecret: readSecret(env, 'FILES_LINK_SECRET') ?? readSecret(env, 'TOOLPACK_LINK_SECRET') ?? generateKey(),
    linkTtlMinutes: readInt(env, 'FILES_LINK_TTL_MINUTES', 1440, { min: 1, max: 10080 }),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
