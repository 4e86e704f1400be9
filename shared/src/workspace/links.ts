import { createHmac, timingSafeEqual } from 'node:crypto';
import { ToolError } from '../errors.js';

/** What a signed link grants: read access to some paths of one workspace until a time. */
export interface LinkGrant {
  /** The workspace key (see workspaceKey); empty for the shared root. */
  workspace: string;
  paths: string[];
  kind: 'file' | 'zip';
  /** Expiry, seconds since the epoch. */
  expires: number;
}

interface Payload {
  w: string;
  p: string[];
  k: 'file' | 'zip';
  e: number;
}

/**
 * HMAC-SHA256 signed, expiring download tokens. A token is bound to one workspace and its paths;
 * changing any byte of it, or using it after expiry, fails verification.
 */
export function createLinkSigner(secret: string) {
  if (secret.length < 16) throw new Error('link secret must be at least 16 characters');
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest();

  return {
    sign(grant: LinkGrant): string {
      const payload: Payload = { w: grant.workspace, p: grant.paths, k: grant.kind, e: grant.expires };
      const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${data}.${mac(data).toString('base64url')}`;
    },

    /** The grant of a valid token; throws LINK_INVALID or LINK_EXPIRED. */
    verify(token: string, now = Date.now()): LinkGrant {
      const [data, signature, extra] = token.split('.');
      if (!data || !signature || extra !== undefined) throw new ToolError('LINK_INVALID', 'This link is not valid.');
      const expected = mac(data);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ToolError('LINK_INVALID', 'This link is not valid.');
      }
      const payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as Payload;
      if (payload.e * 1000 < now) throw new ToolError('LINK_EXPIRED', 'This link has expired; ask for a new one.');
      return { workspace: payload.w, paths: payload.p, kind: payload.k, expires: payload.e };
    },
  };
}

export type LinkSigner = ReturnType<typeof createLinkSigner>;
