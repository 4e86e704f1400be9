import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Builds a check for presented API keys. Keys are hashed first so every comparison is of equal
 * length, and every configured key is compared, so timing says nothing about which part matched.
 */
export function createKeyCheck(keys: readonly string[]): (presented: string | undefined) => boolean {
  if (keys.length === 0) throw new Error('createKeyCheck needs at least one key');
  const digests = keys.map(digest);
  return (presented) => {
    if (!presented) return false;
    const candidate = digest(presented);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, candidate) || ok;
    return ok;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The token of an `Authorization: Bearer TOKEN` header, if that is what was sent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+(.*)$/i.exec(header.trim());
  return match?.[1]?.trim() || undefined;
}
