import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { createArchiveStream, type ArchiveEntry, type ArchiveFormat } from '../workspace/archive.js';
import type { Workspace } from '../workspace/workspace.js';
import { dispositionHeader, setDownloadSafetyHeaders } from './send-file.js';

/**
 * Streams a zip or tar.gz of the entries as an attachment. The archive is built while it is sent,
 * so memory stays flat whatever the size; a failure mid-way cuts the connection (the client sees an
 * incomplete download, not a corrupt archive that claims success).
 */
export async function sendArchive(res: Response, workspace: Workspace, entries: readonly ArchiveEntry[], format: ArchiveFormat, name: string): Promise<void> {
  setDownloadSafetyHeaders(res);
  res.setHeader('Content-Type', format === 'zip' ? 'application/zip' : 'application/gzip');
  res.setHeader('Content-Disposition', dispositionHeader(name, 'attachment'));
  const archive = createArchiveStream(workspace, entries, format);
  await pipeline(archive, res).catch(() => {
    archive.abort();
    res.destroy();
  });
}

/** The archive's file name: the one asked for, with the right extension. */
export function archiveName(requested: string | undefined, format: ArchiveFormat): string {
  const ext = format === 'zip' ? '.zip' : '.tar.gz';
  const base = (requested ?? '').split(/[\\/]/).pop()?.trim() || 'files';
  return base.toLowerCase().endsWith(ext) ? base : `${base}${ext}`;
}
