import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../log.js';

/** Handles a websocket (or other) upgrade request; returns false when the path is not its own. */
export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;

/** Lets an app take upgrade requests once it listens (apps never listen themselves). */
export function onUpgrade(app: Express, handler: UpgradeHandler): void {
  app.locals.upgradeHandler = handler;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes what is left. */
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one). The only place in a server that listens. */
export async function startServer(
  app: Express,
  options: { port: number; host: string; logger?: Logger; graceMs?: number },
): Promise<RunningServer> {
  const server = createServer(app);
  const upgrade = app.locals.upgradeHandler as UpgradeHandler | undefined;
  // Upgraded sockets (websockets) are long-lived and no longer the HTTP server's: track them so
  // a stop can end them instead of waiting for them forever.
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!upgrade?.(req, socket, head)) return socket.destroy();
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  // Tool calls can legitimately run for minutes (Open WebUI waits up to 300 s).
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      const grace = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000);
      // Keep-alive connections go idle once their last response is sent: close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearTimeout(grace);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
      for (const socket of upgraded) socket.destroy();
    });
    return closing;
  };
  return { server, url: `http://${host}:${port}`, port, close };
}

/** Calls `stop` once on SIGTERM or SIGINT, then exits. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
