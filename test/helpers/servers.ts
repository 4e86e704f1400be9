import type { Express } from 'express';
import { filesFixture } from './files-fixture.js';
import { jupyterFixture } from './jupyter-fixture.js';
import { terminalFixture } from './terminal-fixture.js';

/** Every server of the pack, built for tests: the conformance and auth suites run over all of them. */
export interface BuiltServer {
  app: Express;
  keys: string[];
  cleanup: () => Promise<void>;
}

export type ServerBuilder = (options?: { keys?: string[] }) => Promise<BuiltServer>;

export const SERVERS: Record<string, ServerBuilder> = {
  files: async (options = {}) => {
    const keys = options.keys ?? ['files-test-key-0123456789'];
    const f = await filesFixture({ FILES_API_KEY: keys.join(',') });
    return { app: f.app, keys, cleanup: f.cleanup };
  },
  terminal: async (options = {}) => {
    const keys = options.keys ?? ['terminal-test-key-0123456789'];
    const t = await terminalFixture({ OPEN_TERMINAL_API_KEY: keys.join(',') });
    return { app: t.app, keys, cleanup: t.cleanup };
  },
  jupyter: async (options = {}) => {
    const keys = options.keys ?? ['jupyter-test-key-0123456789'];
    const j = await jupyterFixture({ JUPYTER_API_KEY: keys.join(',') });
    return { app: j.app, keys, cleanup: j.cleanup };
  },
};
