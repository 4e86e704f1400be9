import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { OpenAPIBackend, type Context } from 'openapi-backend';
import swaggerUi from 'swagger-ui-express';
import { ToolError } from '../errors.js';
import type { Logger } from '../log.js';
import { bearerToken, createKeyCheck } from './auth.js';
import { corsMiddleware } from './cors.js';
import { errorHandler, sendError } from './error-handler.js';
import { createIdentityResolver, type Identity } from './identity.js';
import { withoutOperations, type JsonObject, type LoadedSpec } from './spec.js';
import { describeValidationErrors, type ValidationIssue } from './validation-message.js';

/** What a handler learns about the call besides its input. */
export interface Call {
  operationId: string;
  identity: Identity | undefined;
  requestId: string;
  log: Logger;
  /** Aborted when the client goes away before the response is finished. */
  signal: AbortSignal;
  req: Request;
  res: Response;
}

/**
 * A handler gets the call's input (path and query parameters and body fields in one object) and
 * returns the JSON to send, or undefined when it has written the response itself (streams).
 */
export type Handler = (input: Record<string, any>, call: Call) => unknown;
export type Handlers = Readonly<Record<string, Handler>>;

export type DependencyState = 'up' | 'down';

/** Who may call and as whom: a server's ServerConfig fits as it is. */
export interface AccessOptions {
  apiKeys: readonly string[];
  /** Verify `X-OpenWebUI-User-Jwt` with this secret. */
  jwtSecret?: string;
  /** Refuse calls without an identity (400), except on public operations. */
  requireIdentity?: boolean;
  corsOrigins?: readonly string[];
}

export interface ToolServerOptions {
  /** Short name, shown in /health and logs. */
  name: string;
  spec: LoadedSpec;
  handlers: Handlers;
  access: AccessOptions;
  logger: Logger;
  /** Probes for /health; any 'down' makes it answer 503. */
  health?: () => Promise<Record<string, DependencyState>>;
  /** Largest JSON body accepted. */
  jsonLimit?: string;
  /** Treat the literal query value `null` as absent (Open Terminal's convention). */
  nullQueryIsAbsent?: boolean;
  /** Status of a failed validation: 400 (default) or 422 (FastAPI's, for Open Terminal clients). */
  validationStatus?: 400 | 422;
  /** Operations switched off by configuration: not served, not routed, no handler needed. */
  disabledOperations?: readonly string[];
  /**
   * Path prefixes whose last parameter takes the rest of the path, slashes included (FastAPI's
   * `{path:path}`), e.g. `/files/serve/`.
   */
  greedyPathPrefixes?: readonly string[];
  /**
   * Mounts routes that are not operations (a reverse proxy, say) before body parsing. `guard`
   * checks the API key and identity as for operations and leaves the identity in
   * `res.locals.identity`.
   */
  rawRoutes?: (app: Express, guard: RequestHandler) => void;
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ToolError('INVALID_REQUEST', 'The URL path is not validly encoded.');
  }
}

/** Folds the rest of a greedy path into one encoded segment, so the router sees one parameter. */
function foldGreedyPath(path: string, prefixes: readonly string[]): string {
  for (const prefix of prefixes) {
    if (path.startsWith(prefix) && path.length > prefix.length) return prefix + encodeURIComponent(decodeParam(path.slice(prefix.length)));
  }
  return path;
}

type Operation = NonNullable<Context['operation']>;

/**
 * Open WebUI sends every argument of an operation that has a body inside that JSON body (contract
 * §3), query parameters included. Copies such values into the query so they are validated and typed
 * exactly as if they had come there.
 */
function liftBodyParameters(operation: Operation, query: Record<string, string | string[]>, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const param of operation.parameters ?? []) {
    if (!('in' in param) || param.in !== 'query' || query[param.name] !== undefined) continue;
    const value = (body as Record<string, unknown>)[param.name];
    if (value === undefined || value === null) continue;
    query[param.name] = Array.isArray(value) ? value.map(String) : String(value);
  }
}

function queryObject(req: Request, nullIsAbsent: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (nullIsAbsent && value === 'null') continue;
    out[key] = value;
  }
  return out;
}

/**
 * Builds an express app from a spec and handlers keyed by operationId: routing and validation by
 * openapi-backend, API-key auth by the spec's security, identity, CORS, /openapi.json (tools only),
 * /docs, /health, request ids and one error model. It never listens (see startServer).
 * Throws at build time when an operationId has no handler or a handler has no operation.
 */
export function createToolServer(options: ToolServerOptions): Express {
  const { handlers, logger, access } = options;
  const disabled = new Set(options.disabledOperations ?? []);
  const spec: LoadedSpec = disabled.size
    ? { ...options.spec, served: withoutOperations(options.spec.served, (op) => disabled.has(String(op.operationId))) }
    : options.spec;
  const allIds = new Set(spec.operations.map((op) => op.operationId));
  const missing = [...allIds].filter((id) => !handlers[id] && !disabled.has(id));
  const orphan = Object.keys(handlers).filter((id) => !allIds.has(id));
  if (missing.length || orphan.length) {
    throw new Error(`${options.name}: operations without handler [${missing}], handlers without operation [${orphan}]`);
  }

  const keyOk = createKeyCheck(access.apiKeys);
  const resolveIdentity = createIdentityResolver({ jwtSecret: access.jwtSecret });
  /** The caller's identity; throws IDENTITY_REQUIRED when one is needed and none was given. */
  const identityFor = async (req: Request, needed: boolean) => {
    const identity = await resolveIdentity(req.headers, keyOk(bearerToken(req.headers.authorization)));
    if (!identity && needed && access.requireIdentity) {
      throw new ToolError('IDENTITY_REQUIRED', 'This server needs to know the user: send X-OpenWebUI-User-Jwt, or X-User-Id with the service key.');
    }
    return identity;
  };
  const publicOps = new Set(spec.operations.filter((op) => op.public).map((op) => op.operationId));

  const api = new OpenAPIBackend({
    definition: spec.source as never,
    strict: true,
    // quick: no OpenAPI 3.0 schema check of the document (ours is 3.1, checked by test/conformance),
    // synchronous dereferencing, validators compiled on first use.
    quick: true,
    validate: true,
    coerceTypes: true,
    ajvOpts: { useDefaults: true, strict: false },
  });

  api.registerSecurityHandler('bearerAuth', (_ctx, req: Request) => keyOk(bearerToken(req.headers.authorization)));
  api.register({
    notFound: () => {
      throw new ToolError('NOT_FOUND', 'No such route. See /openapi.json for the available operations.');
    },
    methodNotAllowed: () => {
      throw new ToolError('METHOD_NOT_ALLOWED', 'This route does not accept that method.');
    },
    unauthorizedHandler: () => {
      throw new ToolError('UNAUTHORIZED', 'Invalid API key');
    },
    validationFail: (ctx: Context) => {
      const message = describeValidationErrors((ctx.validation.errors ?? []) as ValidationIssue[]);
      throw new ToolError(options.validationStatus === 422 ? 'VALIDATION_FAILED' : 'INVALID_REQUEST', message);
    },
  });
  for (const operationId of disabled) {
    api.register(operationId, () => {
      throw new ToolError('NOT_FOUND', 'This operation is not enabled on this server.');
    });
  }

  for (const [operationId, handler] of Object.entries(handlers)) {
    if (disabled.has(operationId)) continue;
    api.register(operationId, async (ctx: Context, req: Request, res: Response) => {
      const identity = await identityFor(req, !publicOps.has(operationId));
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const requestId = String(res.getHeader('x-request-id'));
      const body = typeof ctx.request.requestBody === 'object' && ctx.request.requestBody !== null ? ctx.request.requestBody : {};
      const params = Object.fromEntries(Object.entries(ctx.request.params).map(([k, v]) => [k, decodeParam(String(v))]));
      const input = { ...(body as object), ...(ctx.request.query as object), ...params };
      const result = await handler(input, {
        operationId,
        identity,
        requestId,
        log: logger.child({ requestId, operationId, user: identity?.userId }),
        signal: controller.signal,
        req,
        res,
      });
      if (result !== undefined && !res.headersSent) res.json(result);
    });
  }

  // init() parses and compiles the spec; requests wait for it (it fails loudly on a bad spec).
  const ready = api.init();
  ready.catch((err: unknown) => logger.error({ err }, 'the spec could not be loaded'));

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId, method: req.method, path: req.path, status: res.statusCode, ms }, 'request');
    });
    next();
  });
  app.use(corsMiddleware({ origins: access.corsOrigins ?? ['*'] }));

  app.get('/health', async (_req, res) => {
    const dependencies = options.health ? await options.health().catch(() => ({ probe: 'down' as const })) : {};
    const up = Object.values(dependencies).every((s) => s === 'up');
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', service: options.name, dependencies });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(spec.served);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec.served as JsonObject, { customSiteTitle: `${options.name} tools` }));

  if (options.rawRoutes) {
    const guard: RequestHandler = (req, res, next) => {
      if (!keyOk(bearerToken(req.headers.authorization))) return sendError(res, 'UNAUTHORIZED', 'Invalid API key');
      identityFor(req, true).then(
        (identity) => {
          res.locals.identity = identity;
          next();
        },
        (err: unknown) => next(err),
      );
    };
    options.rawRoutes(app, guard);
  }

  app.use(express.json({ limit: options.jsonLimit ?? '20mb', type: ['application/json', 'application/*+json'] }));
  app.use(async (req, res, next) => {
    try {
      await ready;
      const request = {
        method: req.method,
        path: foldGreedyPath(req.path, options.greedyPathPrefixes ?? []),
        query: queryObject(req, options.nullQueryIsAbsent ?? false) as Record<string, string | string[]>,
        headers: req.headers as Record<string, string | string[]>,
        body: req.body as unknown,
      };
      const operation = api.matchOperation(request);
      if (operation) liftBodyParameters(operation, request.query, req.body);
      await api.handleRequest(request, req, res);
    } catch (err) {
      next(err);
    }
  });
  app.use(errorHandler(logger));
  return app;
}

export { sendError };
