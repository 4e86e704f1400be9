import { fileURLToPath } from 'node:url';
import { createToolServer, loadSpec, onUpgrade } from '@toolpack/shared';
import type { Express } from 'express';
import type { TerminalDeps } from './deps.js';
import { commandHandlers } from './handlers/commands.js';
import { fileHandlers } from './handlers/files.js';
import { helperHandlers } from './handlers/helpers.js';
import { terminalHandlers } from './handlers/terminals.js';
import { terminalSocketHandler } from './interactive/terminal-socket.js';
import { mountProxy, proxyUpgradeHandler } from './ports/proxy-routes.js';
import { upgradeAccess } from './upgrade-access.js';

export const TERMINAL_SPEC_PATH = fileURLToPath(new URL('../../../specs/terminal.yaml', import.meta.url));

/** Builds the terminal's app from its dependencies; never listens. */
export function createApp(deps: TerminalDeps): Express {
  const handlers = { ...commandHandlers(deps), ...fileHandlers(deps), ...helperHandlers(deps), ...terminalHandlers(deps) };
  const app = createToolServer({
    name: 'terminal',
    spec: loadSpec(TERMINAL_SPEC_PATH),
    handlers,
    access: deps.config,
    logger: deps.logger,
    // Open Terminal's conventions: FastAPI's 422 for validation, the text "null" as no value.
    validationStatus: 422,
    nullQueryIsAbsent: true,
    // get_info is a tool only when the admin wrote something for it.
    disabledOperations: deps.config.info ? [] : ['get_info'],
    greedyPathPrefixes: ['/files/serve/'],
    rawRoutes: mountProxy(deps),
  });
  const access = upgradeAccess(deps);
  const terminalSocket = terminalSocketHandler({ terminals: deps.terminals, access, authTimeoutMs: deps.config.wsAuthTimeoutSeconds * 1000 });
  const proxySocket = proxyUpgradeHandler(deps, access);
  onUpgrade(app, (req, socket, head) => terminalSocket(req, socket, head) || proxySocket(req, socket, head));
  return app;
}
