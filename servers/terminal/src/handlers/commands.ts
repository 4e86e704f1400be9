import type { Handlers } from '@toolpack/shared';
import { absolutePath, terminalUser } from '../context.js';
import type { TerminalDeps } from '../deps.js';
import { decodeInputEscapes } from '../processes/escapes.js';

const MAX_LISTED_PROCESSES = 500;

/** run_command, get_process_status, send_process_input, kill_process, list_processes. */
export function commandHandlers(deps: TerminalDeps): Handlers {
  const { processes, config } = deps;
  return {
    async run_command(input, call) {
      const user = await terminalUser(deps, call);
      const cwd = input.cwd ? absolutePath(user, input.cwd) : user.cwd;
      // In multi-user mode the cwd must lie in the user's home (checked like any path).
      if (config.multiUser) user.files.parts(cwd);
      // HOME is the user's home (as with Open Terminal), not the server's.
      const env = { HOME: user.home, ...((input.env ?? {}) as Record<string, string>) };
      const record = await processes.start(user.owner, String(input.command), cwd, env);
      await processes.waitFor(record, input.wait ?? config.defaultWait, call.signal);
      return processes.result(record, { tail: input.tail, maxChars: config.maxOutputChars });
    },

    async get_process_status(input, call) {
      const user = await terminalUser(deps, call);
      const record = processes.get(user.owner, input.process_id);
      await processes.waitFor(record, input.wait ?? 0, call.signal);
      return processes.result(record, { offset: input.offset, tail: input.tail, maxChars: config.maxOutputChars });
    },

    async send_process_input(input, call) {
      const user = await terminalUser(deps, call);
      processes.input(user.owner, input.process_id, decodeInputEscapes(String(input.input)));
      return { status: 'ok' };
    },

    async kill_process(input, call) {
      const user = await terminalUser(deps, call);
      await processes.kill(user.owner, input.process_id, input.force ?? false);
      return { status: 'killed' };
    },

    async list_processes(_input, call) {
      const user = await terminalUser(deps, call);
      // Newest first, bounded: old finished processes are also forgotten after the retention time.
      return processes.list(user.owner).slice(0, MAX_LISTED_PROCESSES).map((r) => ({ id: r.id, command: r.command, status: r.status, exit_code: r.exitCode, log_path: r.log.path }));
    },
  };
}
