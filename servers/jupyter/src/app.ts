import { fileURLToPath } from 'node:url';
import { createLinkHandler, createToolServer, loadSpec, type LoadedSpec } from '@toolpack/shared';
import type { Express } from 'express';
import type { JupyterDeps } from './deps.js';
import { pythonHandlers } from './handlers/python.js';

export const JUPYTER_SPEC_PATH = fileURLToPath(new URL('../../../specs/jupyter.yaml', import.meta.url));

let cachedSpec: LoadedSpec | undefined;

/** Builds the Jupyter bridge's app from its dependencies; never listens. */
export function createApp(deps: JupyterDeps): Express {
  cachedSpec ??= loadSpec(JUPYTER_SPEC_PATH);
  return createToolServer({
    name: 'jupyter',
    spec: cachedSpec,
    handlers: { ...pythonHandlers(deps), open_shared_link: createLinkHandler(deps) },
    apiKeys: deps.config.apiKeys,
    jwtSecret: deps.config.jwtSecret,
    requireIdentity: deps.config.requireIdentity,
    corsOrigins: deps.config.corsOrigins,
    logger: deps.logger,
    health: async () => ({ jupyter: (await deps.jupyterUp()) ? 'up' : 'down' }),
  });
}
