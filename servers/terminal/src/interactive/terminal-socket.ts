import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { UpgradeHandler } from '@toolpack/shared';
import type { UpgradeAccess } from '../upgrade-access.js';
import type { InteractiveTerminal, InteractiveTerminals, TerminalClient } from './interactive-terminals.js';

const PATH = /^\/api\/terminals\/([A-Za-z0-9_-]{1,64})\/?$/;
const AUTH_TIMEOUT_MS = 10_000;
/** A client that cannot keep up is dropped (it may reattach and get the scrollback). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * The websocket of an interactive terminal, as Open Terminal speaks it: the first message must be
 * `{"type":"auth","token":KEY}` within 10 s (else close 4001); only then is the terminal looked up
 * (unknown, or another user's: close 4004), so nobody learns which ids exist without the key.
 * Binary frames carry keystrokes and output; a text frame `{"type":"resize","cols","rows"}` resizes.
 */
export function terminalSocketHandler(deps: { terminals: InteractiveTerminals; access: UpgradeAccess; authTimeoutMs?: number }): UpgradeHandler {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const serve = (ws: WebSocket, req: IncomingMessage, id: string) => {
    const timer = setTimeout(() => ws.close(4001, 'authentication timeout'), deps.authTimeoutMs ?? AUTH_TIMEOUT_MS);
    // Messages are queued until the terminal is attached: keystrokes sent right after auth count.
    const pending: { bytes: Buffer; isBinary: boolean }[] = [];
    let deliver: ((bytes: Buffer, isBinary: boolean) => void) | undefined;
    let authenticating = false;

    const authenticate = async (first: Buffer) => {
      clearTimeout(timer);
      let token: unknown;
      try {
        const message = JSON.parse(first.toString()) as { type?: string; token?: unknown };
        token = message.type === 'auth' ? message.token : undefined;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || !deps.access.keyOk(token)) return ws.close(4001, 'invalid token');
      let terminal: InteractiveTerminal;
      try {
        terminal = deps.terminals.get(await deps.access.ownerOf(req.headers), id);
      } catch {
        return ws.close(4004, 'terminal not found');
      }
      const client: TerminalClient = {
        send: (data) => {
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.close(1013, 'client too slow');
          else ws.send(data, { binary: true });
        },
        close: (code, reason) => ws.close(code, reason),
      };
      deps.terminals.attach(terminal, client);
      ws.on('close', () => deps.terminals.detach(terminal, client));
      deliver = (bytes, isBinary) => {
        if (!isBinary) {
          try {
            const message = JSON.parse(bytes.toString()) as { type?: string; cols?: unknown; rows?: unknown };
            if (message.type === 'resize') return deps.terminals.resize(terminal, message.cols, message.rows);
          } catch {
            // not a control message: typed text
          }
        }
        deps.terminals.write(terminal, bytes);
      };
      for (const m of pending.splice(0)) deliver(m.bytes, m.isBinary);
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (deliver) return deliver(bytes, isBinary);
      if (!authenticating) {
        authenticating = true;
        void authenticate(bytes);
      } else if (pending.length < 1000) pending.push({ bytes, isBinary });
    });
    ws.on('error', () => undefined);
  };

  return (req, socket, head) => {
    const match = PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match) return false;
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, match[1]!));
    return true;
  };
}
