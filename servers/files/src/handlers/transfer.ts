import { join } from 'node:path';
import {
  archiveName,
  collectArchiveEntries,
  discardUploads,
  receiveUploads,
  sendArchive,
  sendFile,
  ToolError,
  type Handlers,
} from '@toolpack/shared';
import type { FilesDeps } from '../deps.js';

const MAX_FILES_PER_UPLOAD = 20;

/** The helper routes for browsers and UIs: upload_files, download_file, download_archive. */
export function transferHandlers({ workspaces, config }: FilesDeps): Handlers {
  return {
    async upload_files(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const dir = workspace.parts(input.directory ?? '.');
      const received = await receiveUploads(call.req, call.res, {
        tempDir: join(config.dataDir, '.tmp'),
        maxFileBytes: config.maxUploadBytes,
        maxFiles: MAX_FILES_PER_UPLOAD,
      });
      const stored: { path: string; size: number }[] = [];
      try {
        for (const file of received) {
          const name = workspace.parts(file.name);
          if (name.length !== 1) throw new ToolError('INVALID_PATH', `Unusable upload file name "${file.name}".`);
          const parts = [...dir, ...name];
          const entry = await workspace.importFile(file.tempPath, parts, { overwrite: input.overwrite ?? false });
          stored.push({ path: workspace.rel(parts), size: entry.size });
        }
      } finally {
        await discardUploads(received.map((f) => f.tempPath));
      }
      return { files: stored };
    },

    async download_file(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const file = await workspace.openFile(workspace.parts(input.path));
      return sendFile(call.req, call.res, file, input.disposition);
    },

    async download_archive(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const paths = (input.paths as string[]).map((p) => workspace.parts(p));
      const format = input.format === 'tar.gz' ? 'tar.gz' : 'zip';
      const entries = await collectArchiveEntries(workspace, paths, { maxEntries: 100_000 });
      return sendArchive(call.res, workspace, entries, format, archiveName(input.name, format));
    },
  };
}
