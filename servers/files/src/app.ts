import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createToolServer, loadSpec } from '@toolpack/shared';
import type { Express } from 'express';
import type { FilesDeps } from './deps.js';
import { browseHandlers } from './handlers/browse.js';
import { changeHandlers } from './handlers/change.js';
import { shareHandlers } from './handlers/share.js';
import { transferHandlers } from './handlers/transfer.js';

export const FILES_SPEC_PATH = fileURLToPath(new URL('../../../specs/files.yaml', import.meta.url));

/** Builds the files server's app from its dependencies; never listens. */
export function createApp(deps: FilesDeps): Express {
  return createToolServer({
    name: 'files',
    spec: loadSpec(FILES_SPEC_PATH),
    handlers: { ...browseHandlers(deps), ...changeHandlers(deps), ...shareHandlers(deps), ...transferHandlers(deps) },
    access: deps.config,
    logger: deps.logger,
    health: async () => ({
      storage: await access(deps.config.dataDir, constants.W_OK).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
    }),
  });
}
