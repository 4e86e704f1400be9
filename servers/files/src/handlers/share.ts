import { archiveName, collectArchiveEntries, createLinkHandler, makeSharedLink, publicBaseUrl, type Handlers } from '@toolpack/shared';
import type { FilesDeps } from '../deps.js';

const MAX_ARCHIVE_ENTRIES = 100_000;

/** share_file, share_zip, and the public open_shared_link they point to. */
export function shareHandlers({ workspaces, signer, config }: FilesDeps): Handlers {
  return {
    async share_file(input, call) {
      const { workspace, key } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path);
      // Opening checks the file is real, inside and readable now, not only when the link is used.
      const file = await workspace.openFile(parts);
      await file.handle.close();
      return makeSharedLink(signer, publicBaseUrl(config.publicUrl, call.req), { workspace: key, paths: [workspace.rel(parts)], kind: 'file' }, {
        name: file.name,
        size: file.stat.size,
        ttlMinutes: input.expires_in_minutes ?? config.linkTtlMinutes,
      });
    },

    async share_zip(input, call) {
      const { workspace, key } = await workspaces.forIdentity(call.identity);
      const paths = (input.paths as string[]).map((p) => workspace.parts(p));
      const entries = await collectArchiveEntries(workspace, paths, { maxEntries: MAX_ARCHIVE_ENTRIES });
      const size = entries.reduce((sum, entry) => sum + entry.size, 0);
      return makeSharedLink(signer, publicBaseUrl(config.publicUrl, call.req), { workspace: key, paths: paths.map((p) => workspace.rel(p)), kind: 'zip' }, {
        name: archiveName(input.name, 'zip'),
        size,
        ttlMinutes: input.expires_in_minutes ?? config.linkTtlMinutes,
      });
    },

    open_shared_link: createLinkHandler({ workspaces, signer }),
  };
}
