import type { Logger, Workspace, Workspaces } from '@toolpack/shared';
import type { TerminalConfig } from './config.js';
import type { InteractiveTerminals } from './interactive/interactive-terminals.js';
import type { ProcessManager } from './processes/process-manager.js';
import type { SessionCwds } from './sessions/session-cwd.js';

/** What the terminal's handlers use, built by main.ts (or a test) and passed in. */
export interface TerminalDeps {
  config: TerminalConfig;
  /** Homes: one per user (users/<key>), the shared root without identity. */
  workspaces: Workspaces;
  /** The tree file tools may reach in single-user mode (a terminal sees the whole machine). */
  machineRoot: Workspace;
  processes: ProcessManager;
  terminals: InteractiveTerminals;
  cwds: SessionCwds;
  logger: Logger;
}
