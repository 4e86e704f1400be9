import { join } from 'node:path';
import { archiveName, collectArchiveEntries, sendArchive, sendFile, ToolError, uploadIntoWorkspace, type Handlers } from '@toolpack/shared';
import { fileParts, shown, terminalUser } from '../context.js';
import type { TerminalDeps } from '../deps.js';
import { renderSystemPrompt, systemFacts } from '../system-prompt.js';

/** The hidden routes Open WebUI's terminal UI uses: config, system prompt, cwd, file browser. */
export function helperHandlers(deps: TerminalDeps): Handlers {
  const { config } = deps;
  return {
    get_config() {
      return { features: { terminal: true, notebooks: false, system: true } };
    },

    async get_system_prompt(_input, call) {
      const user = await terminalUser(deps, call);
      return { prompt: renderSystemPrompt(config.systemPrompt, systemFacts(config.shell, user.home)) };
    },

    get_info() {
      return { info: config.info ?? '' };
    },

    async get_cwd(_input, call) {
      const user = await terminalUser(deps, call);
      return { cwd: user.cwd, home: user.home };
    },

    async set_cwd(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const dir = await user.files.openDir(parts);
      await dir.handle.close();
      const cwd = shown(user, parts);
      if (!user.sessionId) throw new ToolError('INVALID_REQUEST', 'Send X-Session-Id to keep a working directory per session.');
      deps.cwds.set(user.owner.userKey, user.sessionId, cwd);
      return { cwd };
    },

    async view_file(input, call) {
      const user = await terminalUser(deps, call);
      return sendFile(call.req, call.res, await user.files.openFile(fileParts(user, input.path)), 'inline');
    },

    async serve_file(input, call) {
      const user = await terminalUser(deps, call);
      return sendFile(call.req, call.res, await user.files.openFile(fileParts(user, `/${input.path}`)));
    },

    async make_directory(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      await user.files.mkdir(parts);
      return { path: shown(user, parts) };
    },

    async delete_entry(input, call) {
      const user = await terminalUser(deps, call);
      const parts = fileParts(user, input.path);
      const entry = await user.files.remove(parts);
      return { path: shown(user, parts), type: entry.type };
    },

    async move_entry(input, call) {
      const user = await terminalUser(deps, call);
      const from = fileParts(user, input.source);
      const to = fileParts(user, input.destination);
      await user.files.move(from, to, { overwrite: false });
      return { source: shown(user, from), destination: shown(user, to) };
    },

    async upload_to_directory(input, call) {
      const user = await terminalUser(deps, call);
      const [stored] = await uploadIntoWorkspace(call.req, call.res, user.files, fileParts(user, input.directory), {
        tempDir: join(config.dataDir, '.tmp'),
        maxFileBytes: config.maxUploadBytes,
        maxFiles: 1,
        overwrite: true,
      });
      return { path: shown(user, stored!.parts), size: stored!.size };
    },

    async archive_paths(input, call) {
      const user = await terminalUser(deps, call);
      const paths = (input.paths as string[]).map((p) => fileParts(user, p));
      const entries = await collectArchiveEntries(user.files, paths, { maxEntries: 100_000 });
      return sendArchive(call.res, user.files, entries, 'zip', archiveName(undefined, 'zip'));
    },
  };
}
