import { mkdir } from 'node:fs/promises';
import { ConfigError, createLogger, startServer, stopOnSignals } from '@toolpack/shared';
import { createApp } from './app.js';
import { createTerminalDeps } from './build-deps.js';
import { readTerminalConfig } from './config.js';

async function main(): Promise<void> {
  const config = readTerminalConfig(process.env);
  const logger = createLogger({ name: 'terminal', level: config.logLevel });
  await mkdir(config.dataDir, { recursive: true, mode: 0o750 });
  const deps = await createTerminalDeps(config, process.env, logger);
  const running = await startServer(createApp(deps), { host: config.host, port: config.port, logger });
  if (config.keyGenerated) {
    process.stdout.write(`terminal: generated API key (set OPEN_TERMINAL_API_KEY to keep one): ${config.apiKeys[0]}\n`);
  }
  logger.info({ url: running.url, mode: config.mode, multiUser: config.multiUser }, 'terminal listening');
  stopOnSignals(async () => {
    await running.close();
    await deps.processes.dispose();
    deps.terminals.dispose();
  }, logger);
}

main().catch((err: unknown) => {
  process.stderr.write(`terminal: ${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
