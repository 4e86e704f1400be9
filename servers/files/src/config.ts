import { readInt, readServerConfig, type Env, type ServerConfig } from '@toolpack/shared';

export interface FilesConfig extends ServerConfig {
  maxUploadBytes: number;
  maxOutputChars: number;
}

/** Reads the files server's settings (README, "Configuration"); throws ConfigError on bad values. */
export function readFilesConfig(env: Env): FilesConfig {
  return {
    ...readServerConfig(env, 'FILES', 8002),
    maxUploadBytes: readInt(env, 'FILES_MAX_UPLOAD_MB', 2048, { min: 1 }) * 1024 * 1024,
    maxOutputChars: readInt(env, 'FILES_MAX_OUTPUT_CHARS', 50_000, { min: 1000 }),
  };
}
