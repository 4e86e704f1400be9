import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { ConfigError, createLogger, startServer, stopOnSignals } from '@toolpack/shared';
import { createApp } from './app.js';
import { readJupyterConfig } from './config.js';
import { jupyterSettings } from './jupyter/connection.js';
import { superviseEmbeddedJupyter } from './jupyter/supervised.js';
import { createBridgeDeps } from './bridge.js';

async function main(): Promise<void> {
  const config = readJupyterConfig(process.env);
  const logger = createLogger({ name: 'jupyter', level: config.logLevel });
  // @jupyterlab/services reports websocket chatter on console.debug; keep stdout for JSON logs.
  console.debug = (...args: unknown[]) => logger.debug({ jupyterlab: args.join(' ') });
  await mkdir(config.dataDir, { recursive: true, mode: 0o750 });

  let embedded: Awaited<ReturnType<typeof superviseEmbeddedJupyter>> | undefined;
  let target = { url: config.jupyterUrl ?? '', token: config.jupyterToken, password: config.jupyterPassword };
  if (!config.jupyterUrl) {
    if (spawnSync('jupyter-server', ['--version']).status !== 0) {
      throw new ConfigError('No JUPYTER_URL is set and jupyter-server is not installed. Install it (apt-get install jupyter-server python3-ipykernel) or point JUPYTER_URL at a Jupyter server.');
    }
    embedded = await superviseEmbeddedJupyter(config.dataDir, logger, process.env);
    target = { url: embedded.url, token: embedded.token, password: undefined };
    logger.info({ url: embedded.url }, 'embedded Jupyter started');
  }
  const deps = createBridgeDeps(config, await jupyterSettings(target), logger);
  const app = createApp(deps);
  const running = await startServer(app, { host: config.host, port: config.port, logger });
  if (config.keyGenerated) {
    process.stdout.write(`jupyter: generated API key (set JUPYTER_API_KEY to keep one): ${config.apiKeys[0]}\n`);
  }
  logger.info({ url: running.url, jupyter: target.url, embedded: Boolean(embedded) }, 'jupyter bridge listening');
  stopOnSignals(async () => {
    await running.close();
    await deps.pool.dispose();
    await embedded?.stop();
  }, logger);
}

main().catch((err: unknown) => {
  process.stderr.write(`jupyter: ${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
