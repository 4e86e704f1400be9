import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Identity } from '../server/identity.js';
import { Workspace } from './workspace.js';

/**
 * The directory name of a user's workspace. Plain ids (Open WebUI uses UUIDs) are kept readable;
 * anything else becomes a hash, marked with a dot that plain ids never contain, so the two forms
 * cannot collide and no id can name `.` or `..`.
 */
export function workspaceKey(userId: string): string {
  if (/^[A-Za-z0-9_-]{1,128}$/.test(userId)) return userId;
  return `h.${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;
}

/**
 * Hands out workspaces: one per user under `usersRoot`, and the shared root for calls without an
 * identity. The key of a workspace ('' for the shared one) is what signed links carry.
 */
export class Workspaces {
  private readonly cache = new Map<string, Promise<Workspace>>();

  constructor(
    private readonly options: {
      usersRoot: string;
      sharedRoot: string;
      /** Owner given to each user's workspace directory (a sandbox user that must write in it). */
      homeOwner?: { uid: number; gid: number };
    },
  ) {}

  /** The workspace key of an identity ('' = the shared root, for calls without one). */
  keyFor(identity: Identity | undefined): string {
    return identity ? workspaceKey(identity.userId) : '';
  }

  /** The workspace of an identity, or the shared root when there is none. */
  async forIdentity(identity: Identity | undefined): Promise<{ workspace: Workspace; key: string }> {
    const key = this.keyFor(identity);
    return { workspace: await this.byKey(key), key };
  }

  /** The workspace for a key from workspaceKey ('' = shared root). */
  byKey(key: string): Promise<Workspace> {
    let found = this.cache.get(key);
    if (!found) {
      if (key !== '' && workspaceKey(key) !== key && !/^h\.[0-9a-f]{40}$/.test(key)) {
        return Promise.reject(new Error(`not a workspace key: ${key}`));
      }
      found = Workspace.create(key === '' ? this.options.sharedRoot : join(this.options.usersRoot, key), key === '' ? undefined : this.options.homeOwner);
      found.catch(() => this.cache.delete(key));
      // Bounded: a workspace object is cheap to recreate.
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }
}
