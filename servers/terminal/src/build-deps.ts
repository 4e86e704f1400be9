import { join } from 'node:path';
import { Workspace, Workspaces, type Env, type Logger } from '@toolpack/shared';
import { commandEnvironment, type TerminalConfig } from './config.js';
import type { TerminalDeps } from './deps.js';
import { InteractiveTerminals } from './interactive/interactive-terminals.js';
import { ProcessManager } from './processes/process-manager.js';
import { SessionCwds } from './sessions/session-cwd.js';

/** Wires the terminal's services (used by main.ts and tests). */
export async function createTerminalDeps(config: TerminalConfig, env: Env, logger: Logger): Promise<TerminalDeps> {
  const baseEnv = commandEnvironment(env);
  const processes = new ProcessManager({
    logDir: join(config.dataDir, '.terminal', 'logs'),
    mode: config.mode,
    cols: config.cols,
    rows: config.rows,
    launch: (command) => ({ file: config.shell, args: ['-c', command] }),
    baseEnv,
    maxRunningPerUser: config.maxRunningPerUser,
    retentionMs: config.retentionMinutes * 60_000,
    log: {},
  });
  return {
    config,
    workspaces: new Workspaces({ usersRoot: join(config.dataDir, 'users'), sharedRoot: config.sharedRoot }),
    machineRoot: await Workspace.create('/'),
    processes,
    terminals: new InteractiveTerminals({
      maxPerUser: config.maxTerminals,
      cols: config.cols,
      rows: config.rows,
      graceMs: config.terminalGraceSeconds * 1000,
      scrollbackBytes: 256 * 1024,
      launch: () => ({ file: config.shell, args: [] }),
      env: baseEnv,
    }),
    cwds: new SessionCwds(config.sessionTtlMinutes * 60_000),
    logger,
  };
}
