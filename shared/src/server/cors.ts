import cors from 'cors';
import type { RequestHandler } from 'express';

export interface CorsOptions {
  /** Allowed browser origins; `*` allows any (the default, as direct servers are added per user). */
  origins: readonly string[];
}

/**
 * CORS as Open WebUI's browser path needs it (contract §5): preflights succeed without auth, the
 * auth and session headers are allowed, and Content-Disposition and Location are readable.
 */
export function corsMiddleware(options: CorsOptions): RequestHandler {
  const any = options.origins.includes('*');
  return cors({
    origin: (origin, done) => done(null, any || (origin !== undefined && options.origins.includes(origin))),
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'X-Session-Id',
      'X-User-Id',
      'X-Terminal-Context-Id',
      'X-OpenWebUI-Chat-Id',
      'X-Request-Id',
      'Range',
    ],
    exposedHeaders: ['Content-Disposition', 'Location', 'Content-Length', 'Content-Range', 'X-Request-Id'],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
}
