import { jwtVerify, errors as joseErrors } from 'jose';
import { ToolError } from '../errors.js';

/** Who a request acts for, resolved once per request and passed explicitly to every service. */
export interface Identity {
  userId: string;
  chatId?: string;
  name?: string;
  email?: string;
  role?: string;
  /** Where the identity came from: a verified Open WebUI JWT, or headers from a key-holding caller. */
  source: 'jwt' | 'headers';
}

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

export interface IdentityOptions {
  /** FORWARD_USER_INFO_HEADER_JWT_SECRET of Open WebUI; without it JWT headers are not trusted. */
  jwtSecret?: string;
}

const MAX_ID_LENGTH = 256;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

function cleanId(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  // Ids become directory names and log fields: refuse control characters and absurd lengths.
  if (value.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ToolError('INVALID_REQUEST', `The ${what} header is not a valid id.`);
  }
  return value;
}

function decodeName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Resolves the caller's identity. The forwarded-user JWT (`X-OpenWebUI-User-Jwt`) is used when a
 * secret is configured; a JWT that fails verification is an error, never a fall-back to headers.
 * Plain user headers are trusted only from a caller that holds the service key (Open WebUI's backend).
 * Returns undefined when no identity was given.
 */
export function createIdentityResolver(options: IdentityOptions) {
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;

  return async function resolveIdentity(headers: HeaderBag, callerHoldsKey: boolean): Promise<Identity | undefined> {
    const chatId = cleanId(header(headers, 'x-openwebui-chat-id') ?? header(headers, 'x-session-id'), 'chat id');
    const token = header(headers, 'x-openwebui-user-jwt');
    if (token && secret) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] }));
      } catch (err) {
        const expired = err instanceof joseErrors.JWTExpired;
        throw new ToolError('INVALID_USER_TOKEN', expired ? 'The user token has expired.' : 'The user token is not valid.');
      }
      const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
      if (!sub) throw new ToolError('INVALID_USER_TOKEN', 'The user token names no user (sub).');
      return {
        userId: cleanId(sub, 'user token subject')!,
        chatId,
        name: typeof payload.name === 'string' ? payload.name : undefined,
        email: typeof payload.email === 'string' ? payload.email : undefined,
        role: typeof payload.role === 'string' ? payload.role : undefined,
        source: 'jwt',
      };
    }
    if (!callerHoldsKey) return undefined;
    const userId = cleanId(header(headers, 'x-openwebui-user-id') ?? header(headers, 'x-user-id'), 'user id');
    if (!userId) return undefined;
    return {
      userId,
      chatId,
      name: decodeName(header(headers, 'x-openwebui-user-name')),
      email: header(headers, 'x-openwebui-user-email'),
      role: header(headers, 'x-openwebui-user-role'),
      source: 'headers',
    };
  };
}

export type IdentityResolver = ReturnType<typeof createIdentityResolver>;
