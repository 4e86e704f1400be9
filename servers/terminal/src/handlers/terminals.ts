import type { Handlers } from '@toolpack/shared';
import { terminalUser } from '../context.js';
import type { TerminalDeps } from '../deps.js';
import type { InteractiveTerminal } from '../interactive/interactive-terminals.js';
import { ownedPorts } from '../ports/owned-ports.js';

function describe(t: InteractiveTerminal) {
  return { id: t.id, created_at: new Date(t.createdAt).toISOString(), pid: t.pid };
}

/** Interactive terminals for the UI's terminal pane (REST side; the websocket is terminal-socket.ts). */
export function terminalHandlers(deps: TerminalDeps): Handlers {
  return {
    async create_terminal(_input, call) {
      const user = await terminalUser(deps, call);
      return describe(deps.terminals.create(user.owner, user.cwd, user.home));
    },
    async list_terminals(_input, call) {
      const user = await terminalUser(deps, call);
      return deps.terminals.list(user.owner).map(describe);
    },
    async get_terminal(input, call) {
      const user = await terminalUser(deps, call);
      return describe(deps.terminals.get(user.owner, input.terminal_id));
    },
    async get_ports(_input, call) {
      const user = await terminalUser(deps, call);
      return { ports: await ownedPorts(deps, user.owner) };
    },
    async delete_terminal(input, call) {
      const user = await terminalUser(deps, call);
      deps.terminals.remove(user.owner, input.terminal_id);
      return { status: 'closed', id: input.terminal_id };
    },
  };
}
