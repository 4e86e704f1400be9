import { constants } from 'node:fs';
import { lstat, open, opendir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Workspace } from './workspace.js';

export interface WalkEntry {
  /** Path relative to the workspace root. */
  rel: string;
  name: string;
  stat: Stats;
  /** /proc path of the open parent directory: valid only until the walk moves on. */
  parentProc: string;
}

export interface WalkOptions {
  /** Stop after visiting this many entries (the walk then reports `truncated`). */
  maxEntries?: number;
  maxDepth?: number;
  signal?: AbortSignal;
}

/**
 * Walks a directory tree depth-first. Every subdirectory is opened through its parent's descriptor
 * with O_NOFOLLOW, so the walk never leaves the tree by a symlink, even one swapped in mid-walk.
 * Symlinks are reported as entries but not followed. `state.truncated` says a limit cut the walk.
 */
export async function* walk(
  workspace: Workspace,
  parts: readonly string[],
  options: WalkOptions = {},
  state: { visited: number; truncated: boolean } = { visited: 0, truncated: false },
): AsyncGenerator<WalkEntry> {
  const maxEntries = options.maxEntries ?? 200_000;
  const maxDepth = options.maxDepth ?? 64;
  const top = await workspace.openDir(parts);
  const base = parts.join('/');

  async function* visit(proc: string, relDir: string, depth: number): AsyncGenerator<WalkEntry> {
    const dir = await opendir(proc, { bufferSize: 256 }).catch(() => undefined);
    if (!dir) return;
    try {
      for await (const dirent of dir) {
        if (options.signal?.aborted || state.visited >= maxEntries) {
          state.truncated = true;
          return;
        }
        state.visited++;
        const path = `${proc}/${dirent.name}`;
        const stat = await lstat(path).catch(() => undefined);
        if (!stat) continue;
        const rel = relDir ? `${relDir}/${dirent.name}` : dirent.name;
        yield { rel, name: dirent.name, stat, parentProc: proc };
        if (stat.isDirectory() && depth < maxDepth) {
          const child = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW).catch(() => undefined);
          if (!child) continue;
          try {
            yield* visit(`/proc/self/fd/${child.fd}`, rel, depth + 1);
          } finally {
            await child.close();
          }
        }
      }
    } finally {
      await dir.close().catch(() => undefined);
    }
  }

  try {
    yield* visit(top.proc, base, 0);
  } finally {
    await top.handle.close();
  }
}
