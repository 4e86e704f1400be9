import { fileURLToPath } from 'node:url';
import { createLinkHandler, createToolServer, loadSpec } from '@toolpack/shared';
import type { Express } from 'express';
import type { JupyterDeps } from './deps.js';
import { pythonHandlers } from './handlers/python.js';

export const JUPYTER_SPEC_PATH = fileURLToPath(new URL('../../../specs/jupyter.yaml', import.meta.url));

/** Builds the Jupyter bridge's app from its dependencies; never listens. */
export function createApp(deps: JupyterDeps): Express {
  return createToolServer({
    name: 'jupyter',
    spec: loadSpec(JUPYTER_SPEC_PATH),
    handlers: { ...pythonHandlers(deps), open_shared_link: createLinkHandler(deps) },
    access: deps.config,
    logger: deps.logger,
    health: async () => ({ jupyter: (await deps.jupyterUp()) ? 'up' : 'down' }),
  });
}
