import { constants, type Stats } from 'node:fs';
import { chown, copyFile, link, lstat, mkdir, open, readdir, readlink, realpath, rename, rm, stat as statPath, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ToolError } from '../errors.js';
import { fsError } from './fs-errors.js';
import { isInside, splitUserPath } from './safe-path.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface Entry {
  name: string;
  type: EntryType;
  size: number;
  modified: string;
}

/** A directory opened and verified to lie inside the root; `proc` names it for *at-style calls. */
export interface OpenedDir {
  handle: FileHandle;
  proc: string;
  rel: string;
}

export interface OpenedFile {
  handle: FileHandle;
  stat: Stats;
  rel: string;
  name: string;
}

export function entryType(stat: Stats): EntryType {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function toEntry(name: string, stat: Stats): Entry {
  return { name, type: entryType(stat), size: stat.isDirectory() ? 0 : stat.size, modified: stat.mtime.toISOString() };
}

function procPath(handle: FileHandle): string {
  return `/proc/self/fd/${handle.fd}`;
}

/**
 * One user's file tree. Every operation resolves the user's path by string first (no `..` past the
 * root, no absolute path outside), then opens what it touches and checks, through the opened file
 * descriptor, that the object really lies inside the root: a symlink, or one swapped in after the
 * string check, cannot lead out. Files are then used through that descriptor (or the directory's
 * /proc/self/fd path, which behaves like openat). Regular files with several hard links are refused,
 * since the other link may lie outside.
 */
export class Workspace {
  private constructor(
    readonly root: string,
    /** Who owns what is created here: the root's owner, when the server runs as root. */
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  /**
   * Opens (creating if needed) the workspace rooted at `root`, optionally handing the root to
   * `owner`. A server running as root gives every file and folder it creates to the root's owner,
   * so a sandboxed user can change what the servers wrote for them.
   */
  static async create(root: string, owner?: { uid: number; gid: number }): Promise<Workspace> {
    await mkdir(root, { recursive: true, mode: 0o750 });
    if (owner && process.getuid?.() === 0) await chown(root, owner.uid, owner.gid);
    const real = await realpath(root);
    const st = await statPath(real);
    const inherit = process.getuid?.() === 0 && st.uid !== 0 ? { uid: st.uid, gid: st.gid } : undefined;
    return new Workspace(real, inherit);
  }

  private async own(path: string): Promise<void> {
    if (this.owner) await chown(path, this.owner.uid, this.owner.gid);
  }

  /** Components of a user path below the root (string check only). */
  parts(userPath: unknown): string[] {
    return splitUserPath(userPath, this.root);
  }

  /** The canonical relative form of a user path, as shown back to users. */
  rel(parts: readonly string[]): string {
    return parts.length ? parts.join('/') : '.';
  }

  private async verified(handle: FileHandle, rel: string): Promise<void> {
    const real = await readlink(procPath(handle));
    if (!isInside(this.root, real)) {
      await handle.close();
      throw new ToolError('PATH_OUTSIDE_WORKSPACE', `"${rel}" leads outside your workspace.`);
    }
  }

  /** Opens a directory of the workspace (links inside the root are followed). */
  async openDir(parts: readonly string[]): Promise<OpenedDir> {
    const rel = this.rel(parts);
    let handle: FileHandle;
    try {
      handle = await open(join(this.root, ...parts), O_RDONLY | O_DIRECTORY);
    } catch (err) {
      throw fsError(err, rel);
    }
    await this.verified(handle, rel);
    return { handle, proc: procPath(handle), rel };
  }

  /** Opens a regular file for reading, refusing links that lead out, hard links, FIFOs and devices. */
  async openFile(parts: readonly string[]): Promise<OpenedFile> {
    const rel = this.rel(parts);
    if (parts.length === 0) throw new ToolError('IS_A_DIRECTORY', 'The workspace root is a directory.');
    const abs = join(this.root, ...parts);
    // O_NOFOLLOW: a final symlink is resolved and checked by hand; O_NONBLOCK: a FIFO cannot hang us.
    const flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
    let handle: FileHandle;
    try {
      handle = await open(abs, flags);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw fsError(err, rel);
      const target = await realpath(abs).catch((e: unknown) => {
        throw fsError(e, rel);
      });
      if (!isInside(this.root, target)) throw new ToolError('PATH_OUTSIDE_WORKSPACE', `"${rel}" leads outside your workspace.`);
      handle = await open(target, flags).catch((e: unknown) => {
        throw fsError(e, rel);
      });
    }
    await this.verified(handle, rel);
    const stat = await handle.stat();
    const refuse = (error: ToolError) => handle.close().then(() => Promise.reject(error));
    if (stat.isDirectory()) return refuse(new ToolError('IS_A_DIRECTORY', `${rel} is a directory.`));
    if (!stat.isFile()) return refuse(new ToolError('INVALID_PATH', `${rel} is not a regular file.`));
    if (stat.nlink > 1) return refuse(new ToolError('LINKED_FILE_REFUSED', `${rel} has several hard links; it is refused for safety.`));
    return { handle, stat, rel, name: parts[parts.length - 1]! };
  }

  /** Runs `fn` with the verified parent directory of `parts` and the final name. */
  private async inParent<T>(parts: readonly string[], fn: (dir: OpenedDir, name: string) => Promise<T>, create = false): Promise<T> {
    if (parts.length === 0) throw new ToolError('INVALID_PATH', 'This operation needs a path below the workspace root.');
    const dir = create ? await this.ensureDir(parts.slice(0, -1)) : await this.openDir(parts.slice(0, -1));
    try {
      return await fn(dir, parts[parts.length - 1]!);
    } finally {
      await dir.handle.close();
    }
  }

  /** Creates the directory and its parents one verified component at a time; returns it opened. */
  async ensureDir(parts: readonly string[]): Promise<OpenedDir> {
    let dir = await this.openDir([]);
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const here = parts.slice(0, i + 1);
      try {
        await mkdir(`${dir.proc}/${name}`, { mode: 0o750 });
        await this.own(`${dir.proc}/${name}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          await dir.handle.close();
          throw fsError(err, this.rel(here));
        }
      }
      const next = await this.openDir(here).finally(() => dir.handle.close());
      dir = next;
    }
    return dir;
  }

  /** lstat of a path (the root included). */
  async stat(parts: readonly string[]): Promise<Entry> {
    if (parts.length === 0) {
      const dir = await this.openDir([]);
      try {
        return toEntry('.', await dir.handle.stat());
      } finally {
        await dir.handle.close();
      }
    }
    return this.inParent(parts, async (dir, name) => toEntry(name, await lstat(`${dir.proc}/${name}`).catch((e) => {
      throw fsError(e, this.rel(parts));
    })));
  }

  /** Entries of a directory, directories first, then by name. */
  async list(parts: readonly string[]): Promise<Entry[]> {
    const dir = await this.openDir(parts);
    try {
      const names = await readdir(dir.proc);
      const entries: Entry[] = [];
      for (let i = 0; i < names.length; i += 64) {
        const batch = names.slice(i, i + 64);
        const stats = await Promise.all(batch.map((n) => lstat(`${dir.proc}/${n}`).catch(() => undefined)));
        stats.forEach((s, j) => s && entries.push(toEntry(batch[j]!, s)));
      }
      return entries.sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || a.name.localeCompare(b.name));
    } catch (err) {
      throw fsError(err, dir.rel);
    } finally {
      await dir.handle.close();
    }
  }

  /**
   * Writes a file atomically (temporary file in the same directory, then rename), creating parent
   * directories. With overwrite false an existing file is never replaced, even by a racing writer.
   */
  async writeFile(parts: readonly string[], data: string | Buffer | Readable, options: { overwrite: boolean }): Promise<Entry> {
    return this.inParent(parts, async (dir, name) => {
      const rel = this.rel(parts);
      const existing = await lstat(`${dir.proc}/${name}`).catch(() => undefined);
      if (existing?.isDirectory()) throw new ToolError('IS_A_DIRECTORY', `${rel} is a directory.`);
      if (existing && !options.overwrite) throw new ToolError('ALREADY_EXISTS', `${rel} already exists; pass overwrite to replace it.`);
      const temp = `${dir.proc}/.${randomBytes(6).toString('hex')}.partial`;
      try {
        await writeFile(temp, data, { flag: 'wx', mode: 0o640 });
        await this.own(temp);
        await this.place(temp, `${dir.proc}/${name}`, options.overwrite, rel);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw fsError(err, rel);
      }
      return toEntry(name, await lstat(`${dir.proc}/${name}`));
    }, true);
  }

  /** Moves a finished file from outside the tree (an upload's temporary file) into place. */
  async importFile(tempPath: string, parts: readonly string[], options: { overwrite: boolean }): Promise<Entry> {
    return this.inParent(parts, async (dir, name) => {
      const rel = this.rel(parts);
      const target = `${dir.proc}/${name}`;
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isDirectory()) throw new ToolError('IS_A_DIRECTORY', `${rel} is a directory.`);
      if (existing && !options.overwrite) throw new ToolError('ALREADY_EXISTS', `${rel} already exists; pass overwrite to replace it.`);
      let source = tempPath;
      try {
        await this.place(source, target, options.overwrite, rel).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EXDEV') throw err;
          // Another filesystem: copy next to the target first so the final step is still a rename.
          source = `${dir.proc}/.${randomBytes(6).toString('hex')}.partial`;
          await copyFile(tempPath, source, constants.COPYFILE_EXCL);
          await this.place(source, target, options.overwrite, rel);
        });
      } catch (err) {
        if (source !== tempPath) await unlink(source).catch(() => undefined);
        throw fsError(err, rel);
      }
      await unlink(tempPath).catch(() => undefined);
      await this.own(target);
      return toEntry(name, await lstat(target));
    }, true);
  }

  private async place(from: string, to: string, overwrite: boolean, rel: string): Promise<void> {
    if (overwrite) return rename(from, to);
    // link() fails with EEXIST instead of replacing: no window for a racing writer.
    try {
      await link(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ToolError('ALREADY_EXISTS', `${rel} already exists; pass overwrite to replace it.`);
      throw err;
    }
    await unlink(from);
  }

  /** Creates a directory and its parents; says whether it was new. */
  async mkdir(parts: readonly string[]): Promise<{ created: boolean }> {
    const before = await this.stat(parts).catch(() => undefined);
    if (before && before.type !== 'directory') throw new ToolError('ALREADY_EXISTS', `${this.rel(parts)} exists and is not a directory.`);
    const dir = await this.ensureDir(parts);
    await dir.handle.close();
    return { created: !before };
  }

  /** Moves or renames a file or directory inside the workspace. */
  async move(from: readonly string[], to: readonly string[], options: { overwrite: boolean }): Promise<Entry> {
    if (from.length === 0 || to.length === 0) throw new ToolError('INVALID_PATH', 'The workspace root cannot be moved or replaced.');
    if (to.length > from.length && from.every((p, i) => p === to[i])) {
      throw new ToolError('INVALID_REQUEST', 'A directory cannot be moved into itself.');
    }
    return this.inParent(from, (src, srcName) =>
      this.inParent(to, async (dst, dstName) => {
        const source = `${src.proc}/${srcName}`;
        const target = `${dst.proc}/${dstName}`;
        await lstat(source).catch((e) => {
          throw fsError(e, this.rel(from));
        });
        const existing = await lstat(target).catch(() => undefined);
        if (existing && !options.overwrite) throw new ToolError('ALREADY_EXISTS', `${this.rel(to)} already exists.`);
        await rename(source, target).catch((e) => {
          throw fsError(e, this.rel(to));
        });
        return toEntry(dstName, await lstat(target));
      }, true),
    );
  }

  /** Deletes a file, link or directory tree (links are removed, never followed). */
  async remove(parts: readonly string[]): Promise<Entry> {
    if (parts.length === 0) throw new ToolError('INVALID_PATH', 'The workspace root cannot be deleted.');
    return this.inParent(parts, async (dir, name) => {
      const target = `${dir.proc}/${name}`;
      const stat = await lstat(target).catch((e) => {
        throw fsError(e, this.rel(parts));
      });
      await rm(target, { recursive: true, force: false }).catch((e) => {
        throw fsError(e, this.rel(parts));
      });
      return toEntry(name, stat);
    });
  }
}
