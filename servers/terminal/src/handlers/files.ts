import mime from 'mime-types';
import { globSearch, grepSearch, readTextLines, sendFile, ToolError, type Handlers } from '@toolpack/shared';
import { fileParts, shown, shownRel, terminalUser } from '../context.js';
import type { TerminalDeps } from '../deps.js';
import { applyReplacements } from '../replace.js';

const VISIBLE_IMAGE = /^image\/(png|jpeg|gif|webp)$/;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MAX_EDIT_BYTES = 10 * 1024 * 1024;
/** Open Terminal's list_files has no paging: past this many entries the answer says it was cut. */
const MAX_LIST_ENTRIES = 2000;

/** The file tools of Open Terminal: list, read, display, write, replace, grep, glob. */
export function fileHandlers(deps: TerminalDeps): Handlers {
  const { config } = deps;
  return {
    async list_files(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.directory);
      const entries = await user.files.list(parts);
      if (entries.length <= MAX_LIST_ENTRIES) return { dir: shown(user, parts), entries };
      return {
        dir: shown(user, parts),
        entries: entries.slice(0, MAX_LIST_ENTRIES),
        truncated: true,
        note: `Showing ${MAX_LIST_ENTRIES} of ${entries.length} entries; use glob_search to find specific files.`,
      };
    },

    async read_file(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      if (VISIBLE_IMAGE.test(String(mime.lookup(parts[parts.length - 1] ?? '') || ''))) {
        const file = await user.files.openFile(parts);
        if (file.stat.size <= MAX_IMAGE_BYTES) return sendFile(call.req, call.res, file, 'inline');
        await file.handle.close();
      }
      const slice = await readTextLines(user.files, parts, { startLine: input.start_line, endLine: input.end_line, maxChars: config.maxOutputChars, signal: call.signal });
      return { ...slice, path: shown(user, parts) };
    },

    async display_file(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const exists = await user.files.stat(parts).then(() => true, () => false);
      return { path: shown(user, parts), exists };
    },

    async write_file(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const entry = await user.files.writeFile(parts, String(input.content), { overwrite: true });
      return { path: shown(user, parts), size: entry.size };
    },

    async replace_file_content(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const file = await user.files.openFile(parts);
      let text: string;
      try {
        if (file.stat.size > MAX_EDIT_BYTES) throw new ToolError('PAYLOAD_TOO_LARGE', 'The file is too large to edit this way; use a command (sed) instead.');
        text = await file.handle.readFile('utf8');
      } finally {
        await file.handle.close();
      }
      const edited = applyReplacements(text, input.replacements);
      const entry = await user.files.writeFile(parts, edited, { overwrite: true });
      return { path: shown(user, parts), size: entry.size };
    },

    async grep_search(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const found = await grepSearch(user.files, input.query, parts, {
        regex: input.regex ?? true,
        caseInsensitive: input.case_insensitive ?? false,
        include: input.include,
        maxResults: input.max_results ?? 50,
        signal: call.signal,
      });
      let matches: { file: string; line: number | null; content: string }[] = found.matches.map((m) => ({ ...m, file: shownRel(user, m.file) }));
      if (input.match_per_line === false) {
        matches = [...new Set(matches.map((m) => m.file))].map((file) => ({ file, line: null, content: '' }));
      }
      return { query: input.query, path: shown(user, parts), matches, truncated: found.truncated };
    },

    async glob_search(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const found = await globSearch(user.files, input.pattern, parts, {
        type: input.type ?? 'any',
        exclude: input.exclude,
        maxResults: input.max_results ?? 50,
        signal: call.signal,
      });
      return { pattern: input.pattern, path: shown(user, parts), matches: found.matches.map((m) => ({ ...m, path: shownRel(user, m.path) })), truncated: found.truncated };
    },
  };
}
