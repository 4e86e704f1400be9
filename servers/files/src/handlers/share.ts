import type { Request } from 'express';
import { archiveName, collectArchiveEntries, sendArchive, sendFile, ToolError, type Handlers } from '@toolpack/shared';
import type { FilesDeps } from '../deps.js';
import { makeSharedLink } from '../sharing/share-links.js';

const MAX_ARCHIVE_ENTRIES = 100_000;

/** share_file, share_zip, and the public open_shared_link they point to. */
export function shareHandlers({ workspaces, signer, config }: FilesDeps): Handlers {
  const baseUrl = (req: Request) => config.publicUrl ?? `${req.protocol}://${req.get('host')}`;

  return {
    async share_file(input, call) {
      const { workspace, key } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path);
      // Opening checks the file is real, inside and readable now, not only when the link is used.
      const file = await workspace.openFile(parts);
      await file.handle.close();
      return makeSharedLink(signer, baseUrl(call.req), { workspace: key, paths: [workspace.rel(parts)], kind: 'file' }, {
        name: file.name,
        size: file.stat.size,
        ttlMinutes: input.expires_in_minutes ?? config.linkTtlMinutes,
      });
    },

    async share_zip(input, call) {
      const { workspace, key } = await workspaces.forIdentity(call.identity);
      const paths = (input.paths as string[]).map((p) => workspace.parts(p));
      const entries = await collectArchiveEntries(workspace, paths, { maxEntries: MAX_ARCHIVE_ENTRIES });
      let size = 0;
      for (const entry of entries) if (!entry.directory) size += (await workspace.stat(entry.parts)).size;
      return makeSharedLink(signer, baseUrl(call.req), { workspace: key, paths: paths.map((p) => workspace.rel(p)), kind: 'zip' }, {
        name: archiveName(input.name, 'zip'),
        size,
        ttlMinutes: input.expires_in_minutes ?? config.linkTtlMinutes,
      });
    },

    async open_shared_link(input, call) {
      const grant = signer.verify(input.token);
      const workspace = await workspaces.byKey(grant.workspace);
      const paths = grant.paths.map((p) => workspace.parts(p));
      if (grant.kind === 'file') {
        const file = await workspace.openFile(paths[0] ?? []);
        return sendFile(call.req, call.res, file, input.download ? 'attachment' : undefined);
      }
      if (paths.length === 0) throw new ToolError('LINK_INVALID', 'This link is not valid.');
      const entries = await collectArchiveEntries(workspace, paths, { maxEntries: MAX_ARCHIVE_ENTRIES });
      return sendArchive(call.res, workspace, entries, 'zip', archiveName(input.name, 'zip'));
    },
  };
}
