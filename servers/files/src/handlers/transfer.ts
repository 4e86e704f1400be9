import { join } from 'node:path';
import { archiveName, collectArchiveEntries, sendArchive, sendFile, uploadIntoWorkspace, type Handlers } from '@toolpack/shared';
import type { FilesDeps } from '../deps.js';

const MAX_FILES_PER_UPLOAD = 20;

/** The helper routes for browsers and UIs: upload_files, download_file, download_archive. */
export function transferHandlers({ workspaces, config }: FilesDeps): Handlers {
  return {
    async upload_files(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const stored = await uploadIntoWorkspace(call.req, call.res, workspace, workspace.parts(input.directory ?? '.'), {
        tempDir: join(config.dataDir, '.tmp'),
        maxFileBytes: config.maxUploadBytes,
        maxFiles: MAX_FILES_PER_UPLOAD,
        overwrite: input.overwrite ?? false,
      });
      return { files: stored.map((f) => ({ path: workspace.rel(f.parts), size: f.size })) };
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
