import { createIdentityResolver, createKeyCheck, type HeaderBag } from '@toolpack/shared';
import type { TerminalDeps } from './deps.js';
import type { Owner } from './processes/process-manager.js';

/** Key and owner checks for upgraded connections (websockets), which bypass the operation router. */
export interface UpgradeAccess {
  keyOk: (token: string | undefined) => boolean;
  /** The caller's owner key, once the key was checked (headers are then trusted). */
  ownerOf: (headers: HeaderBag) => Promise<Owner>;
}

export function upgradeAccess(deps: Pick<TerminalDeps, 'config' | 'workspaces'>): UpgradeAccess {
  const keyOk = createKeyCheck(deps.config.apiKeys);
  const resolveIdentity = createIdentityResolver({ jwtSecret: deps.config.jwtSecret });
  return {
    keyOk,
    ownerOf: async (headers) => ({ userKey: deps.workspaces.keyFor(await resolveIdentity(headers, true)) }),
  };
}
