import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';

export interface JupyterTarget {
  url: string;
  token?: string;
  password?: string;
}

/** Cookies and the XSRF token of a password login; refreshed when Jupyter stops accepting them. */
interface PasswordSession {
  cookie: string;
  xsrf: string;
}

function cookiesOf(res: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return jar;
}

/** Logs in to a password-protected Jupyter as its login form does. Throws when the password is refused. */
async function passwordLogin(url: string, password: string): Promise<PasswordSession> {
  const page = await fetch(`${url}/login`, { redirect: 'manual' });
  const jar = cookiesOf(page);
  const xsrf = jar.get('_xsrf') ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `_xsrf=${xsrf}` },
    body: new URLSearchParams({ password, _xsrf: xsrf }).toString(),
  });
  for (const [k, v] of cookiesOf(res)) jar.set(k, v);
  if (res.status !== 302 || jar.size < 2) throw new Error('Jupyter refused the password');
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), xsrf };
}

/**
 * Settings for @jupyterlab/services: token auth (sent as a header and in the websocket URL), or a
 * password login whose cookies go with every request and websocket.
 */
export async function jupyterSettings(target: JupyterTarget): Promise<ServerConnection.ISettings> {
  const wsUrl = target.url.replace(/^http/, 'ws');
  if (!target.password) {
    return ServerConnection.makeSettings({
      baseUrl: target.url,
      wsUrl,
      token: target.token ?? '',
      appendToken: true,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
  }
  const password = target.password;
  let session = await passwordLogin(target.url, password);
  const withSession = (request: Request) => {
    const headers = new Headers(request.headers);
    headers.set('Cookie', session.cookie);
    headers.set('X-XSRFToken', session.xsrf);
    return new Request(request, { headers });
  };
  const authedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const retry = request.clone();
    const res = await fetch(withSession(request));
    if (res.status !== 401 && res.status !== 403) return res;
    session = await passwordLogin(target.url, password);
    return fetch(withSession(retry));
  };
  class CookieWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { Cookie: session.cookie } });
    }
  }
  return ServerConnection.makeSettings({
    baseUrl: target.url,
    wsUrl,
    token: '',
    appendToken: false,
    fetch: authedFetch as typeof fetch,
    WebSocket: CookieWebSocket as unknown as typeof globalThis.WebSocket,
  });
}

/** True when Jupyter answers its status endpoint with these settings. */
export async function jupyterIsUp(settings: ServerConnection.ISettings): Promise<boolean> {
  try {
    const res = await ServerConnection.makeRequest(`${settings.baseUrl.replace(/\/?$/, "/")}api/status`, {}, settings);
    return res.ok;
  } catch {
    return false;
  }
}
