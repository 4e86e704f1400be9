import type { Request } from 'express';
import { ToolError } from '../errors.js';
import type { Handler } from '../server/tool-server.js';
import { collectArchiveEntries } from '../workspace/archive.js';
import type { LinkSigner } from '../workspace/links.js';
import type { Workspaces } from '../workspace/workspaces.js';
import { archiveName, sendArchive } from './send-archive.js';
import { sendFile } from './send-file.js';

const MAX_ARCHIVE_ENTRIES = 100_000;

/**
 * The public route behind signed links (`GET /links/{token}/{name}`, `security: []`): the token is
 * the permission. Any server of the pack that shares files mounts it, so its links work without the
 * files server; servers sharing the data dir and link secret can serve each other's links.
 */
export function createLinkHandler(deps: { workspaces: Workspaces; signer: LinkSigner }): Handler {
  return async (input, call) => {
    const grant = deps.signer.verify(input.token);
    const workspace = await deps.workspaces.byKey(grant.workspace);
    const paths = grant.paths.map((p) => workspace.parts(p));
    if (grant.kind === 'file') {
      const file = await workspace.openFile(paths[0] ?? []);
      return sendFile(call.req, call.res, file, input.download ? 'attachment' : undefined);
    }
    if (paths.length === 0) throw new ToolError('LINK_INVALID', 'This link is not valid.');
    const entries = await collectArchiveEntries(workspace, paths, { maxEntries: MAX_ARCHIVE_ENTRIES });
    return sendArchive(call.res, workspace, entries, 'zip', archiveName(input.name, 'zip'));
  };
}

/** Where links should point: the configured public URL, else the address the caller used. */
export function publicBaseUrl(configured: string | undefined, req: Request): string {
  return configured ?? `${req.protocol}://${req.get('host')}`;
}
