import { ToolError, type Handlers } from '@toolpack/shared';
import type { FilesDeps } from '../deps.js';

function decodeContent(content: string, encoding: string | undefined): Buffer | string {
  if (encoding !== 'base64') return content;
  if (!/^[A-Za-z0-9+/=_\-\s]*$/.test(content)) throw new ToolError('INVALID_REQUEST', 'content is not valid base64.');
  return Buffer.from(content, 'base64');
}

/** write_text_file, move_path, delete_path, create_directory. */
export function changeHandlers({ workspaces }: FilesDeps): Handlers {
  return {
    async write_text_file(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path);
      const entry = await workspace.writeFile(parts, decodeContent(input.content, input.encoding), { overwrite: input.overwrite ?? true });
      return { path: workspace.rel(parts), size: entry.size };
    },

    async move_path(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const from = workspace.parts(input.source);
      const to = workspace.parts(input.destination);
      const entry = await workspace.move(from, to, { overwrite: input.overwrite ?? false });
      return { source: workspace.rel(from), destination: workspace.rel(to), type: entry.type };
    },

    async delete_path(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path);
      const entry = await workspace.remove(parts);
      return { path: workspace.rel(parts), type: entry.type };
    },

    async create_directory(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path);
      const { created } = await workspace.mkdir(parts);
      return { path: workspace.rel(parts), created };
    },
  };
}
