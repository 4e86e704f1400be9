import type { LinkSigner, Logger, Workspaces } from '@toolpack/shared';
import type { FilesConfig } from './config.js';

/** Everything the files server's handlers use, built by main.ts (or by a test) and passed in. */
export interface FilesDeps {
  config: FilesConfig;
  workspaces: Workspaces;
  signer: LinkSigner;
  logger: Logger;
}
