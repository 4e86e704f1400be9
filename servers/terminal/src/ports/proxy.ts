import { request, type IncomingMessage, type ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { pipeline } from 'node:stream';

/** Headers that belong to one hop, or to us (our key, the user's identity), never to the app. */
const DROPPED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'authorization', 'host', 'x-openwebui-user-jwt', 'x-user-id', 'x-openwebui-user-id', 'x-openwebui-user-email', 'x-openwebui-user-name', 'x-openwebui-user-role',
]);

function forwardable(headers: IncomingHttpHeaders, port: number): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !DROPPED.has(name.toLowerCase())) out[name] = value;
  }
  out.host = `127.0.0.1:${port}`;
  return out;
}

/** `/proxy/{port}/{rest}` -> port and the path (with query) to ask the app for. */
export function parseProxyPath(url: string): { port: number; path: string } | undefined {
  const match = /^\/proxy\/(\d{1,5})(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) return undefined;
  const port = Number(match[1]);
  if (port < 1 || port > 65535) return undefined;
  return { port, path: `${match[2] ?? '/'}${match[3] ?? ''}` };
}

/** Streams a request to 127.0.0.1:port and the answer back, both ways without buffering. */
export function proxyHttp(port: number, path: string, req: IncomingMessage, res: ServerResponse): void {
  const upstream = request({ host: '127.0.0.1', port, method: req.method, path, headers: forwardable(req.headers, port) });
  upstream.on('response', (answer) => {
    const headers = { ...answer.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    res.writeHead(answer.statusCode ?? 502, headers);
    pipeline(answer, res, () => undefined);
  });
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    res.statusCode = 502;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ detail: `Nothing answered on port ${port}.`, code: 'BAD_GATEWAY' }));
  });
  pipeline(req, upstream, () => undefined);
}

/** Relays a websocket (or any upgrade) to 127.0.0.1:port as raw bytes once the app accepts it. */
export function proxyUpgrade(port: number, path: string, req: IncomingMessage, client: Socket, head: Buffer): void {
  const upstream = connect(port, '127.0.0.1', () => {
    const headers = forwardable(req.headers, port);
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade ?? 'websocket';
    const lines = [`${req.method} ${path} HTTP/1.1`, ...Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`))];
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const end = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', end);
  client.on('error', end);
  upstream.on('close', end);
  client.on('close', end);
}
