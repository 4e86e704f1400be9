/**
 * Jupyter bridge latency: `x = 1` through the bridge (its own process, HTTP), beside a direct
 * @jupyterlab/services execute on a warm kernel (the floor) and Open WebUI's way (start a kernel,
 * execute, delete it), all on the same Jupyter, with and without the pack's TCP_NODELAY config.
 */
import type { ChildProcess } from 'node:child_process';
import { startServerProcess } from './server-process.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KernelAPI, KernelConnection, type ServerConnection } from '@jupyterlab/services';
import { jupyterSettings } from '../../servers/jupyter/src/jupyter/connection.js';
import { startEmbeddedJupyter, type EmbeddedJupyter } from '../../servers/jupyter/src/jupyter/embedded.js';

const KEY = 'bench-key-0123456789';
console.debug = () => undefined;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(n: number, fn: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(10, n); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function executeOn(kernel: KernelConnection, code: string): Promise<void> {
  const reply = await kernel.requestExecute({ code, allow_stdin: false, stop_on_error: true }).done;
  if ((reply.content as { status: string }).status !== 'ok') throw new Error('execute failed');
}

async function oneConfig(label: string, configPath: string | null | undefined, n: number, perCallN: number) {
  const dir = await mkdtemp(join(tmpdir(), 'jupyter-bench-'));
  const jupyter = await startEmbeddedJupyter({ rootDir: dir, configPath, baseEnv: process.env });
  let bridge: ChildProcess | undefined;
  const settings: ServerConnection.ISettings = await jupyterSettings({ url: jupyter.url, token: jupyter.token });
  try {
    const b = await startServerProcess('servers/jupyter/dist/main.js', 'JUPYTER_PORT', { JUPYTER_API_KEY: KEY, JUPYTER_DATA_DIR: dir, JUPYTER_URL: jupyter.url, JUPYTER_TOKEN: jupyter.token });
    bridge = b.child;
    const viaBridge = await measure(n, async () => {
      const r = await fetch(`${b.url}/execute`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
        body: '{"code":"x = 1"}',
      });
      if (((await r.json()) as { status: string }).status !== 'success') throw new Error('bridge execute failed');
    });

    const model = await KernelAPI.startNew({ name: 'python3' }, settings);
    const warm = new KernelConnection({ model, serverSettings: settings, handleComms: false });
    const floor = await measure(n, () => executeOn(warm, 'x = 1'));
    warm.dispose();
    await KernelAPI.shutdownKernel(model.id, settings);

    // Open WebUI's engine: a new kernel for every execution, deleted afterwards.
    const perCall = await measure(perCallN, async () => {
      const m = await KernelAPI.startNew({ name: 'python3' }, settings);
      const k = new KernelConnection({ model: m, serverSettings: settings, handleComms: false });
      await executeOn(k, 'x = 1');
      k.dispose();
      await KernelAPI.shutdownKernel(m.id, settings);
    });
    const f = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`jupyter (${label}): bridge p50 ${f(viaBridge.p50)} p99 ${f(viaBridge.p99)} | direct floor p50 ${f(floor.p50)} p99 ${f(floor.p99)} | kernel per call p50 ${f(perCall.p50)}`);
    console.log(`jupyter (${label}): bridge / floor = ${(viaBridge.p50 / floor.p50).toFixed(2)}x (target <= 1.3x); kernel-per-call / bridge = ${(perCall.p50 / viaBridge.p50).toFixed(0)}x faster (target >= 50x)`);
  } finally {
    bridge?.kill('SIGTERM');
    await sleep(300);
    await jupyter.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function jupyterBench(options: { n?: number; perCallN?: number } = {}): Promise<void> {
  const n = options.n ?? 300;
  const perCallN = options.perCallN ?? 10;
  await oneConfig('with the TCP_NODELAY config', undefined, n, perCallN);
  await oneConfig('stock Jupyter', null, Math.min(n, 100), perCallN);
}
