import type { Logger } from '@toolpack/shared';
import { startEmbeddedJupyter, type EmbeddedJupyter } from './embedded.js';

/**
 * An embedded Jupyter that is started again (same port and token, so existing settings stay valid)
 * when it exits on its own. Kernels do not survive that; the pool notices and starts fresh ones.
 */
export async function superviseEmbeddedJupyter(rootDir: string, logger: Logger, baseEnv: Readonly<Record<string, string | undefined>>) {
  let current: EmbeddedJupyter = await startEmbeddedJupyter({ rootDir, baseEnv, onLog: (line) => logger.debug({ jupyter: line }) });
  let stopping = false;
  const watch = (j: EmbeddedJupyter) => {
    j.process.once('exit', async (code) => {
      if (stopping) return;
      logger.warn({ code }, 'embedded Jupyter exited; starting it again');
      for (let attempt = 1; !stopping; attempt++) {
        try {
          const port = Number(new URL(j.url).port);
          current = await startEmbeddedJupyter({ rootDir, port, token: j.token, baseEnv, onLog: (line) => logger.debug({ jupyter: line }) });
          watch(current);
          logger.info({ url: current.url }, 'embedded Jupyter is back');
          return;
        } catch (err) {
          logger.error({ err, attempt }, 'could not restart embedded Jupyter');
          await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * attempt)));
        }
      }
    });
  };
  watch(current);
  return {
    url: current.url,
    token: current.token,
    stop: async () => {
      stopping = true;
      await current.stop();
    },
  };
}
