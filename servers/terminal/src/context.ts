import { posix } from 'node:path';
import type { Call, Workspace } from '@toolpack/shared';
import type { TerminalDeps } from './deps.js';
import type { Owner } from './processes/process-manager.js';

/** The caller as the terminal sees them: whose processes, which home, which files, which session. */
export interface TerminalUser {
  owner: Owner;
  home: string;
  /** Root of the file tools: the whole machine in single-user mode, the home in multi-user mode. */
  files: Workspace;
  sessionId: string | undefined;
  cwd: string;
}

/** The session id Open WebUI sends (X-Session-Id, the chat), with or without a user identity. */
function sessionIdOf(call: Call): string | undefined {
  const raw = call.identity?.chatId ?? call.req.headers['x-session-id'];
  const id = Array.isArray(raw) ? raw[0] : raw;
  return id && id.length <= 256 ? id : undefined;
}

export async function terminalUser(deps: TerminalDeps, call: Call): Promise<TerminalUser> {
  const { workspace, key } = await deps.workspaces.forIdentity(call.identity);
  const sessionId = sessionIdOf(call);
  return {
    owner: { userKey: key, home: workspace.root },
    home: workspace.root,
    files: deps.config.multiUser ? workspace : deps.machineRoot,
    sessionId,
    cwd: deps.cwds.get(key, sessionId, workspace.root),
  };
}

/** A path as the user gave it, made absolute against their cwd. */
export function absolutePath(user: TerminalUser, path: string | undefined): string {
  const p = path === undefined || path === '' ? '.' : path;
  return posix.resolve(user.cwd, p);
}

/** Components of a user path below the file tools' root (checked; see Workspace). */
export function fileParts(user: TerminalUser, path: string | undefined): string[] {
  return user.files.parts(absolutePath(user, path));
}

/** The absolute form of checked components, as shown back to the user. */
export function shown(user: TerminalUser, parts: readonly string[]): string {
  return posix.join(user.files.root, ...parts);
}

/** The absolute form of a path relative to the file tools' root (search results). */
export function shownRel(user: TerminalUser, rel: string): string {
  return posix.join(user.files.root, rel);
}
