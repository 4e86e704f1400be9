import { resolve } from 'node:path';
import { generateKey, readApiKeys, readBool, readInt, readList, readSecret, type Env } from './config.js';

/** Settings every server of the pack reads the same way, under its own prefix (FILES_, JUPYTER_, ...). */
export interface ServerConfig {
  host: string;
  port: number;
  apiKeys: string[];
  keyGenerated: boolean;
  /** Open WebUI's FORWARD_USER_INFO_HEADER_JWT_SECRET, shared by the whole pack. */
  jwtSecret?: string;
  requireIdentity: boolean;
  corsOrigins: string[];
  /** Workspaces root, shared by the servers: users/<key>/ and shared/. */
  dataDir: string;
  /** The workspace of calls without identity. */
  sharedRoot: string;
  /** Base URL users' browsers reach the server at (signed links); else taken from the request. */
  publicUrl?: string;
  linkSecret: string;
  linkTtlMinutes: number;
  logLevel: string;
}

/**
 * Reads `<PREFIX>_HOST`, `_PORT`, `_API_KEY(_FILE)`, `_REQUIRE_IDENTITY`, `_CORS_ORIGINS`, `_DATA_DIR`,
 * `_SHARED_ROOT`, `_PUBLIC_URL`, `_LINK_SECRET` (or the pack-wide TOOLPACK_LINK_SECRET),
 * `_LINK_TTL_MINUTES`, plus FORWARD_USER_INFO_HEADER_JWT_SECRET and LOG_LEVEL. Throws ConfigError.
 */
export function readServerConfig(env: Env, prefix: string, defaultPort: number): ServerConfig {
  const dataDir = resolve(env[`${prefix}_DATA_DIR`] ?? './data');
  const { keys, generated } = readApiKeys(env, prefix);
  return {
    host: env[`${prefix}_HOST`] ?? '127.0.0.1',
    port: readInt(env, `${prefix}_PORT`, defaultPort, { min: 0, max: 65535 }),
    apiKeys: keys,
    keyGenerated: generated,
    jwtSecret: readSecret(env, 'FORWARD_USER_INFO_HEADER_JWT_SECRET'),
    requireIdentity: readBool(env, `${prefix}_REQUIRE_IDENTITY`, false),
    corsOrigins: readList(env, `${prefix}_CORS_ORIGINS`, ['*']),
    dataDir,
    sharedRoot: resolve(env[`${prefix}_SHARED_ROOT`] ?? `${dataDir}/shared`),
    publicUrl: env[`${prefix}_PUBLIC_URL`]?.replace(/\/+$/, '') || undefined,
    // Links survive a restart only when a secret is configured; otherwise they last one run.
    linkSecret: readSecret(env, `${prefix}_LINK_SECRET`) ?? readSecret(env, 'TOOLPACK_LINK_SECRET') ?? generateKey(),
    linkTtlMinutes: readInt(env, `${prefix}_LINK_TTL_MINUTES`, 1440, { min: 1, max: 10080 }),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
