import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, Workspace, Workspaces, type Env, type Logger } from '@toolpack/shared';
import { commandEnvironment, type TerminalConfig } from './config.js';
import type { TerminalDeps } from './deps.js';
import { InteractiveTerminals } from './interactive/interactive-terminals.js';
import { ProcessManager, type Launch } from './processes/process-manager.js';
import { createSandboxLauncher, sandboxAvailable } from './sandbox/bwrap.js';
import { SessionCwds } from './sessions/session-cwd.js';

/** Wires the terminal's services (used by main.ts and tests). */
export async function createTerminalDeps(config: TerminalConfig, env: Env, logger: Logger): Promise<TerminalDeps> {
  const baseEnv = commandEnvironment(env);
  // Multi-user: every command and terminal in a sandbox that sees only the user's home.
  let launch = (command: string | null, _home: string, _cwd: string): Launch => ({ file: config.shell, args: command === null ? [] : ['-c', command] });
  if (config.multiUser) {
    if (!sandboxAvailable()) throw new ConfigError('OPEN_TERMINAL_MULTI_USER needs bubblewrap (apt-get install bubblewrap) to confine users.');
    launch = createSandboxLauncher({ shell: config.shell, uid: config.sandboxUid, gid: config.sandboxGid });
    // The sandbox user must pass through (not list) the data dir to reach a home.
    const users = join(config.dataDir, 'users');
    await mkdir(users, { recursive: true });
    await chmod(config.dataDir, 0o711);
    await chmod(users, 0o711);
  }
  const processes = new ProcessManager({
    logDir: join(config.dataDir, '.terminal', 'logs'),
    mode: config.mode,
    cols: config.cols,
    rows: config.rows,
    launch: (command, owner, cwd) => launch(command, owner.home ?? cwd, cwd),
    baseEnv,
    maxRunningPerUser: config.maxRunningPerUser,
    retentionMs: config.retentionMinutes * 60_000,
    log: {},
  });
  return {
    config,
    workspaces: new Workspaces({
      usersRoot: join(config.dataDir, 'users'),
      sharedRoot: config.sharedRoot,
      // Homes belong to the sandbox user, so sandboxed commands can write in them.
      homeOwner: config.multiUser && process.getuid?.() === 0 ? { uid: config.sandboxUid, gid: config.sandboxGid } : undefined,
    }),
    machineRoot: await Workspace.create('/'),
    processes,
    terminals: new InteractiveTerminals({
      maxPerUser: config.maxTerminals,
      cols: config.cols,
      rows: config.rows,
      graceMs: config.terminalGraceSeconds * 1000,
      scrollbackBytes: 256 * 1024,
      launch: (owner, cwd) => launch(null, owner.home ?? cwd, cwd),
      env: baseEnv,
    }),
    cwds: new SessionCwds(config.sessionTtlMinutes * 60_000),
    logger,
  };
}
