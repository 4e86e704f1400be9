import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Starts a built server of the pack in its own process (as in production, so its memory and CPU
 * are its own) on a random loopback port, and resolves once /health answers.
 */
export async function startServerProcess(main: string, portVariable: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${url}/health`).catch(() => undefined))?.ok) return { child, url };
    await sleep(50);
  }
  child.kill();
  throw new Error(`${main} did not start`);
}
