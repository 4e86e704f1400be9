import mime from 'mime-types';
import { globSearch, grepSearch, pageOf, readTextLines, sendFile, type Handlers } from '@toolpack/shared';
import type { FilesDeps } from '../deps.js';

/** Images small enough to hand to a vision model as they are. */
const VISIBLE_IMAGE = /^image\/(png|jpeg|gif|webp)$/;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** list_directory, read_text_file, find_files, search_in_files. */
export function browseHandlers({ workspaces, config }: FilesDeps): Handlers {
  return {
    async list_directory(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path ?? '.');
      const page = pageOf(await workspace.list(parts), input.offset ?? 0, input.limit ?? 200);
      return { path: workspace.rel(parts), entries: page.items, total: page.total, truncated: page.truncated, next_offset: page.next_offset };
    },

    async read_text_file(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path);
      const type = String(mime.lookup(parts[parts.length - 1] ?? '') || '');
      if (VISIBLE_IMAGE.test(type)) {
        const file = await workspace.openFile(parts);
        if (file.stat.size <= MAX_IMAGE_BYTES) return sendFile(call.req, call.res, file, 'inline');
        await file.handle.close();
      }
      return readTextLines(workspace, parts, {
        startLine: input.start_line,
        endLine: input.end_line,
        maxChars: config.maxOutputChars,
        signal: call.signal,
      });
    },

    async find_files(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path ?? '.');
      const found = await globSearch(workspace, input.pattern, parts, {
        type: input.type ?? 'any',
        exclude: input.exclude,
        maxResults: input.max_results ?? 100,
        signal: call.signal,
      });
      return { pattern: input.pattern, path: workspace.rel(parts), ...found };
    },

    async search_in_files(input, call) {
      const { workspace } = await workspaces.forIdentity(call.identity);
      const parts = workspace.parts(input.path ?? '.');
      const found = await grepSearch(workspace, input.query, parts, {
        regex: input.regex ?? false,
        caseInsensitive: input.case_insensitive ?? false,
        include: input.include,
        maxResults: input.max_results ?? 50,
        signal: call.signal,
      });
      return { query: input.query, path: workspace.rel(parts), ...found };
    },
  };
}
