import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Env } from '@toolpack/shared';
import { createApp } from '../../servers/terminal/src/app.js';
import { createTerminalDeps } from '../../servers/terminal/src/build-deps.js';
import { readTerminalConfig } from '../../servers/terminal/src/config.js';

export const TERMINAL_TEST_KEY = 'test-key-terminal-0123456789';

/** The terminal on a temp data dir, built as main.ts builds it, with a secret in its environment. */
export async function terminalFixture(env: Env = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'terminal-test-'));
  const fullEnv: Env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    OPEN_TERMINAL_DATA_DIR: join(dir, 'data'),
    OPEN_TERMINAL_API_KEY: TERMINAL_TEST_KEY,
    FORWARD_USER_INFO_HEADER_JWT_SECRET: 'jwt-secret-terminal-0123456789',
    ...env,
  };
  const config = readTerminalConfig(fullEnv);
  const deps = await createTerminalDeps(config, fullEnv, createLogger({ name: 'terminal', level: 'silent' }));
  return {
    app: createApp(deps),
    deps,
    config,
    dir,
    auth: { Authorization: `Bearer ${TERMINAL_TEST_KEY}` },
    session: (sessionId: string) => ({ Authorization: `Bearer ${TERMINAL_TEST_KEY}`, 'X-Session-Id': sessionId }),
    as: (userId: string) => ({ Authorization: `Bearer ${TERMINAL_TEST_KEY}`, 'X-User-Id': userId }),
    cleanup: async () => {
      await deps.processes.dispose();
      deps.terminals.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type TerminalFixture = Awaited<ReturnType<typeof terminalFixture>>;

/** All output data of a process result, joined. */
export function outputText(body: { output: { data: string }[] }): string {
  return body.output.map((e) => e.data).join('');
}
