import { mkdir } from 'node:fs/promises';
import { ConfigError, createLinkSigner, createLogger, startServer, stopOnSignals, Workspaces } from '@toolpack/shared';
import { createApp } from './app.js';
import { readFilesConfig } from './config.js';

async function main(): Promise<void> {
  const config = readFilesConfig(process.env);
  const logger = createLogger({ name: 'files', level: config.logLevel });
  await mkdir(config.dataDir, { recursive: true, mode: 0o750 });
  const workspaces = new Workspaces({ usersRoot: `${config.dataDir}/users`, sharedRoot: config.sharedRoot });
  const app = createApp({ config, workspaces, signer: createLinkSigner(config.linkSecret), logger });
  const running = await startServer(app, { host: config.host, port: config.port, logger });
  if (config.keyGenerated) {
    // Printed once, on purpose, so the admin can register the server; set FILES_API_KEY to keep one.
    process.stdout.write(`files: generated API key (set FILES_API_KEY to keep one): ${config.apiKeys[0]}\n`);
  }
  logger.info({ url: running.url, dataDir: config.dataDir }, 'files server listening');
  stopOnSignals(running.close, logger);
}

main().catch((err: unknown) => {
  process.stderr.write(`files: ${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
