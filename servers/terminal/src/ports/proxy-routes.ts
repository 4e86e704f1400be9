import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Express, RequestHandler } from 'express';
import { bearerToken, sendError, type Identity, type UpgradeHandler } from '@toolpack/shared';
import type { UpgradeAccess } from '../upgrade-access.js';
import type { TerminalDeps } from '../deps.js';
import { ownedPorts } from './owned-ports.js';
import { parseProxyPath, proxyHttp, proxyUpgrade } from './proxy.js';

const NOT_YOURS = (port: number) => `Port ${port} is not served by one of your commands; see /ports.`;

/**
 * `/proxy/{port}/...`: the caller's own web apps (a dev server a command started), streamed both
 * ways. Only ports that the caller's processes listen on are reachable, so the proxy cannot be used
 * to reach other users' apps or services of the machine.
 */
export function mountProxy(deps: TerminalDeps): (app: Express, guard: RequestHandler) => void {
  return (app, guard) => {
    app.use('/proxy', guard, async (req, res, next) => {
      try {
        const target = parseProxyPath(req.originalUrl);
        if (!target) return sendError(res, 'NOT_FOUND', 'Use /proxy/{port}/{path}.');
        const owner = { userKey: deps.workspaces.keyFor(res.locals.identity as Identity | undefined) };
        if (!(await ownedPorts(deps, owner)).some((p) => p.port === target.port)) return sendError(res, 'PERMISSION_DENIED', NOT_YOURS(target.port));
        proxyHttp(target.port, target.path, req, res);
      } catch (err) {
        next(err);
      }
    });
  };
}

/** The websocket side of the proxy: the same checks, with the key in the Authorization header. */
export function proxyUpgradeHandler(deps: TerminalDeps, access: UpgradeAccess): UpgradeHandler {
  const refuse = (socket: Socket, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  return (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = parseProxyPath(req.url ?? '');
    if (!target) return false;
    if (!access.keyOk(bearerToken(req.headers.authorization))) {
      refuse(socket, '401 Unauthorized');
      return true;
    }
    void (async () => {
      try {
        const owner = await access.ownerOf(req.headers);
        if (!(await ownedPorts(deps, owner)).some((p) => p.port === target.port)) return refuse(socket, '403 Forbidden');
        proxyUpgrade(target.port, target.path, req, socket, head);
      } catch {
        refuse(socket, '401 Unauthorized');
      }
    })();
    return true;
  };
}
