import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The pack's Jupyter settings (TCP_NODELAY on kernel websockets). */
export const JUPYTER_CONFIG_PATH = fileURLToPath(new URL('../../../../compose/jupyter_server_config.py', import.meta.url));

export interface EmbeddedJupyter {
  url: string;
  token: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a Jupyter server owned by the bridge: loopback only, a random port and token, root at the
 * workspaces directory. Its environment is built from scratch, so no server secret reaches it or
 * the kernels. Resolves when Jupyter answers; throws when it exits or does not answer in time.
 */
export async function startEmbeddedJupyter(options: {
  rootDir: string;
  binary?: string;
  configPath?: string | null;
  port?: number;
  /** Reuse a token (a restart keeps clients' settings valid); random by default. */
  token?: string;
  /** Where PATH, HOME and LANG come from (main.ts passes the process's environment). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  onLog?: (line: string) => void;
}): Promise<EmbeddedJupyter> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const port = options.port ?? (await freePort());
  const args = [
    '--no-browser',
    `--ServerApp.ip=127.0.0.1`,
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${options.rootDir}`,
  ];
  const configPath = options.configPath === undefined ? JUPYTER_CONFIG_PATH : options.configPath;
  if (configPath) args.push(`--config=${configPath}`);
  if (process.getuid?.() === 0) args.push('--allow-root');
  const env: Record<string, string> = {
    PATH: options.baseEnv?.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: options.baseEnv?.HOME ?? '/tmp',
    LANG: options.baseEnv?.LANG ?? 'C.UTF-8',
    // matplotlib's inline backend makes plt.show() send the figure as image/png.
    MPLBACKEND: 'module://matplotlib_inline.backend_inline',
    PYTHONUNBUFFERED: '1',
  };
  const child = spawn(options.binary ?? 'jupyter-server', args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines = (data: Buffer) => data.toString().split('\n').filter(Boolean).forEach((l) => options.onLog?.(l));
  child.stdout!.on('data', lines);
  child.stderr!.on('data', lines);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    await Promise.race([exit, sleep(5000)]);
    if (!exited) process.kill(-child.pid!, 'SIGKILL');
  };
  for (let i = 0; i < 300 && !exited; i++) {
    try {
      const r = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) return { url, token, process: child, stop };
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await stop();
  throw new Error(exited ? 'jupyter-server exited during start-up' : 'jupyter-server did not answer within 15 s');
}
