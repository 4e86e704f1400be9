import { Readable } from 'node:stream';
import { extname } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { TarArchive, ZipArchive, type Archiver } from 'archiver';
import { ToolError } from '../errors.js';
import { walk } from './walk.js';
import type { Workspace } from './workspace.js';

export type ArchiveFormat = 'zip' | 'tar.gz';

export interface ArchiveEntry {
  /** Components below the workspace root. */
  parts: string[];
  /** Name inside the archive. */
  name: string;
  directory: boolean;
  mtime: Date;
  mode: number;
  /** Bytes (0 for directories). */
  size: number;
  /** Stored without compression (already compressed, or sampled as incompressible). */
  store: boolean;
}

// Formats that are compressed already: deflating them again costs time and saves nothing.
const STORED = new Set([
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif',
  '.mp3', '.mp4', '.m4a', '.mkv', '.mov', '.webm', '.ogg', '.pdf', '.docx', '.xlsx', '.pptx', '.whl', '.jar', '.parquet',
]);

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_FROM_BYTES = 1024 * 1024;

/**
 * Whether deflating a file is worth it: known compressed formats are not; for large files a sample
 * is deflated and the file is stored when it barely shrinks (deflate runs at a fraction of disk speed).
 */
async function worthStoring(workspace: Workspace, parts: string[], name: string, size: number): Promise<boolean> {
  if (STORED.has(extname(name).toLowerCase())) return true;
  if (size < SAMPLE_FROM_BYTES) return false;
  const file = await workspace.openFile(parts).catch(() => undefined);
  if (!file) return false;
  try {
    const sample = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await file.handle.read(sample, 0, SAMPLE_BYTES, Math.floor(size / 2 - SAMPLE_BYTES / 2));
    return deflateRawSync(sample.subarray(0, bytesRead), { level: 1 }).length > bytesRead * 0.9;
  } finally {
    await file.handle.close();
  }
}

/**
 * Lists what an archive of `paths` holds: files and directories, symlinks left out (never followed).
 * Throws PAYLOAD_TOO_LARGE past maxEntries, and NOT_FOUND for a missing path.
 */
export async function collectArchiveEntries(
  workspace: Workspace,
  paths: readonly string[][],
  options: { maxEntries: number },
): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const baseNames = paths.map((parts) => parts[parts.length - 1] ?? '');
  for (const [i, parts] of paths.entries()) {
    const top = await workspace.stat(parts);
    // Top-level names are the base names, or the full relative path where two would collide.
    const baseName = baseNames[i]!;
    const prefix = baseNames.indexOf(baseName) !== baseNames.lastIndexOf(baseName) ? workspace.rel(parts) : baseName;
    if (top.type === 'file') {
      const store = await worthStoring(workspace, [...parts], prefix, top.size);
      entries.push({ parts: [...parts], name: prefix, directory: false, mtime: new Date(top.modified), mode: 0o644, size: top.size, store });
      continue;
    }
    if (top.type !== 'directory') continue;
    const base = parts.join('/');
    const state = { visited: 0, truncated: false };
    for await (const entry of walk(workspace, parts, { maxEntries: options.maxEntries }, state)) {
      const below = base ? entry.rel.slice(base.length + 1) : entry.rel;
      const name = prefix ? `${prefix}/${below}` : below;
      if (entry.stat.isDirectory() || (entry.stat.isFile() && entry.stat.nlink === 1)) {
        const directory = entry.stat.isDirectory();
        const entryParts = entry.rel.split('/');
        entries.push({
          parts: entryParts,
          name,
          directory,
          mtime: entry.stat.mtime,
          mode: entry.stat.mode & 0o777,
          size: directory ? 0 : entry.stat.size,
          store: !directory && (await worthStoring(workspace, entryParts, name, entry.stat.size)),
        });
      }
    }
    if (state.truncated || entries.length > options.maxEntries) {
      throw new ToolError('PAYLOAD_TOO_LARGE', `Too many files for one archive (limit ${options.maxEntries}).`);
    }
  }
  return entries;
}

/** A file's content opened only when the archiver reaches it, and re-verified then. */
function lazyFile(workspace: Workspace, parts: string[]): Readable {
  return Readable.from(
    (async function* () {
      const file = await workspace.openFile(parts);
      try {
        yield* file.handle.createReadStream({ autoClose: false, highWaterMark: 256 * 1024 });
      } finally {
        await file.handle.close();
      }
    })(),
    { objectMode: false },
  );
}

/** Streams a zip or tar.gz of the entries; the caller pipes it and handles 'error'. */
export function createArchiveStream(workspace: Workspace, entries: readonly ArchiveEntry[], format: ArchiveFormat): Archiver {
  const archive: Archiver =
    format === 'zip'
      ? new ZipArchive({ zlib: { level: 1 }, highWaterMark: 1024 * 1024 })
      : new TarArchive({ gzip: true, gzipOptions: { level: 1 }, highWaterMark: 1024 * 1024 });
  for (const entry of entries) {
    if (entry.directory) {
      archive.append(Buffer.alloc(0), { name: `${entry.name}/`, type: 'directory', date: entry.mtime, mode: entry.mode });
    } else {
      archive.append(lazyFile(workspace, entry.parts), { name: entry.name, date: entry.mtime, mode: entry.mode, store: entry.store });
    }
  }
  void archive.finalize();
  return archive;
}
