import type { LinkSigner, Logger, Workspaces } from '@toolpack/shared';
import type { JupyterConfig } from './config.js';
import type { KernelPool } from './kernels/kernel-pool.js';

/** What the Jupyter bridge's handlers use, built by main.ts (or a test) and passed in. */
export interface JupyterDeps {
  config: JupyterConfig;
  workspaces: Workspaces;
  signer: LinkSigner;
  pool: KernelPool;
  /** Whether Jupyter answers now (for /health). */
  jupyterUp: () => Promise<boolean>;
  logger: Logger;
}
