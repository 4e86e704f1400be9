import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (pino). Secrets never reach them: auth headers are redacted. */
export function createLogger(options: { name: string; level?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: ['req.headers.authorization', 'req.headers["x-openwebui-user-jwt"]', 'token', 'key'],
  });
}
