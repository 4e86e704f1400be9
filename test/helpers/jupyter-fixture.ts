import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Env } from '@toolpack/shared';
import { createApp } from '../../servers/jupyter/src/app.js';
import { createBridgeDeps } from '../../servers/jupyter/src/bridge.js';
import { readJupyterConfig } from '../../servers/jupyter/src/config.js';
import { jupyterSettings } from '../../servers/jupyter/src/jupyter/connection.js';
import { startEmbeddedJupyter, type EmbeddedJupyter } from '../../servers/jupyter/src/jupyter/embedded.js';

export const JUPYTER_TEST_KEY = 'test-key-jupyter-0123456789';

// @jupyterlab/services narrates websocket starts on console.debug.
console.debug = () => undefined;

/**
 * The Jupyter bridge on a real jupyter-server (Debian's package), started for the test on a temp
 * workspace root, with the pack's TCP_NODELAY config.
 */
export async function jupyterFixture(env: Env = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'jupyter-test-'));
  const config = readJupyterConfig({
    JUPYTER_DATA_DIR: join(dir, 'data'),
    JUPYTER_API_KEY: JUPYTER_TEST_KEY,
    JUPYTER_LINK_SECRET: 'link-secret-for-tests-0123456789',
    JUPYTER_PUBLIC_URL: 'http://jupyter.test',
    JUPYTER_URL: 'http://set-below',
    ...env,
  });
  let jupyter: EmbeddedJupyter = await startEmbeddedJupyter({ rootDir: dir, baseEnv: process.env });
  const settings = await jupyterSettings({ url: jupyter.url, token: jupyter.token });
  const logger = createLogger({ name: 'jupyter', level: 'silent' });
  const deps = createBridgeDeps(config, settings, logger, { interruptGraceMs: 1500 });
  const app = createApp(deps);
  return {
    app,
    deps,
    config,
    dir,
    get jupyter() {
      return jupyter;
    },
    /** Stops Jupyter (as a crash or an admin would). */
    stopJupyter: () => jupyter.stop(),
    /** Starts Jupyter again on the same address and token. */
    restartJupyter: async () => {
      jupyter = await startEmbeddedJupyter({ rootDir: dir, port: Number(new URL(jupyter.url).port), token: jupyter.token, baseEnv: process.env });
    },
    as: (userId: string, chatId = 'chat-1') => ({ Authorization: `Bearer ${JUPYTER_TEST_KEY}`, 'X-User-Id': userId, 'X-Session-Id': chatId }),
    cleanup: async () => {
      await deps.pool.dispose();
      await jupyter.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type JupyterFixture = Awaited<ReturnType<typeof jupyterFixture>>;
