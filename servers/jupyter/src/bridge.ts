import { join } from 'node:path';
import type { ServerConnection } from '@jupyterlab/services';
import { createLinkSigner, Workspaces, type Logger } from '@toolpack/shared';
import type { JupyterConfig } from './config.js';
import type { JupyterDeps } from './deps.js';
import { jupyterIsUp } from './jupyter/connection.js';
import { KernelPool } from './kernels/kernel-pool.js';

/** Wires the bridge's services for a Jupyter reachable with `settings` (used by main.ts and tests). */
export function createBridgeDeps(config: JupyterConfig, settings: ServerConnection.ISettings, logger: Logger, options: { interruptGraceMs?: number } = {}): JupyterDeps {
  // Workspace directories as the kernels see them (the same paths unless Jupyter runs elsewhere).
  const kernelShared = config.kernelDataDir === config.dataDir ? config.sharedRoot : join(config.kernelDataDir, 'shared');
  const pool = new KernelPool({
    settings,
    kernelName: config.kernelName,
    scope: config.scope,
    maxPerUser: config.maxKernelsPerUser,
    maxTotal: config.maxKernels,
    idleMs: config.idleMinutes * 60_000,
    cwdFor: (key) => (key === '' ? kernelShared : join(config.kernelDataDir, 'users', key)),
    log: logger,
    interruptGraceMs: options.interruptGraceMs,
  });
  return {
    config,
    pool,
    workspaces: new Workspaces({ usersRoot: join(config.dataDir, 'users'), sharedRoot: config.sharedRoot }),
    signer: createLinkSigner(config.linkSecret),
    jupyterUp: () => jupyterIsUp(settings),
    logger,
  };
}
