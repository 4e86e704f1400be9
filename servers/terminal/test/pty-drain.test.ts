import * as pty from '@lydell/node-pty';
import { describe, expect, it } from 'vitest';
import { keepFinalOutput } from '../src/processes/pty-drain.js';

describe('final output of a PTY process', () => {
  it('is kept even when the PTY was not read before node-pty gave up on it', async () => {
    const term = pty.spawn('/bin/sh', ['-c', 'printf "first\\n"; sleep 0.1; printf "last-line\\n"'], { cols: 80, rows: 24, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    let out = '';
    keepFinalOutput(term, (text) => (out += text));
    term.onData((text) => (out += text));
    // Reading stops (as when the output log asks for a pause, or the event loop is busy) while the
    // command prints its last line and exits; node-pty then destroys the socket after 200 ms.
    term.pause();
    const exited = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    expect(exited).toBe(0);
    expect(out).toContain('last-line');
  });
});
