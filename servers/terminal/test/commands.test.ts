import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputText, terminalFixture, TERMINAL_TEST_KEY, type TerminalFixture } from '../../../test/helpers/terminal-fixture.js';
import { decodeInputEscapes } from '../src/processes/escapes.js';

let t: TerminalFixture;
beforeEach(async () => {
  t = await terminalFixture();
});
afterEach(() => t.cleanup());

const run = (body: Record<string, unknown>, query: Record<string, unknown> = {}) => request(t.app).post('/execute').query(query).set(t.auth).send(body);

describe('run_command', () => {
  it('returns the exit code and both streams, merged on the PTY', async () => {
    const r = await run({ command: 'echo hi; echo err 1>&2; exit 3' }, { wait: 10 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'done', exit_code: 3, truncated: false });
    expect(r.body.id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(outputText(r.body)).toBe('hi\r\nerr\r\n');
    expect(r.body.output.every((e: { type: string }) => e.type === 'output')).toBe(true);
  });

  it('honours wait given in the JSON body, as Open WebUI sends it', async () => {
    const r = await run({ command: 'sleep 0.2; echo late', wait: 10 });
    expect(r.body.status).toBe('done');
    expect(outputText(r.body)).toBe('late\r\n');
  });

  it('returns at once without wait, then status with wait reaches done', async () => {
    const r = await run({ command: 'sleep 0.5; echo finished' });
    expect(r.body).toMatchObject({ status: 'running', exit_code: null, output: [] });
    const s = await request(t.app).get(`/execute/${r.body.id}/status`).query({ wait: 10 }).set(t.auth);
    expect(s.body).toMatchObject({ status: 'done', exit_code: 0 });
    expect(outputText(s.body)).toBe('finished\r\n');
  });

  it('pages output by offset and tail', async () => {
    const r = await run({ command: 'for i in 1 2 3 4; do echo line$i; sleep 0.1; done' }, { wait: 10 });
    expect(r.body.output.length).toBeGreaterThanOrEqual(4);
    const last = await request(t.app).get(`/execute/${r.body.id}/status`).query({ tail: 1 }).set(t.auth);
    expect(outputText(last.body)).toBe('line4\r\n');
    expect(last.body.truncated).toBe(true);
    const rest = await request(t.app).get(`/execute/${r.body.id}/status`).query({ offset: r.body.next_offset }).set(t.auth);
    expect(rest.body.output).toEqual([]);
    const fromTwo = await request(t.app).get(`/execute/${r.body.id}/status`).query({ offset: 2 }).set(t.auth);
    expect(outputText(fromTwo.body)).toContain('line3');
    expect(outputText(fromTwo.body)).not.toContain('line1');
  });

  it("sets HOME to the user's home", async () => {
    const r = await run({ command: 'echo $HOME' }, { wait: 10 });
    expect(outputText(r.body)).toBe(`${t.config.sharedRoot}\r\n`);
  });

  it('runs in cwd with extra env', async () => {
    const r = await run({ command: 'pwd; echo $GREETING', cwd: '/tmp', env: { GREETING: 'bonjour' } }, { wait: 10 });
    expect(outputText(r.body)).toBe('/tmp\r\nbonjour\r\n');
  });

  it('never hands server secrets to commands', async () => {
    const r = await run({ command: 'env' }, { wait: 10 });
    const env = outputText(r.body);
    expect(env).toContain('PATH=');
    expect(env).not.toContain(TERMINAL_TEST_KEY);
    expect(env).not.toContain('jwt-secret-terminal');
    expect(env).not.toMatch(/OPEN_TERMINAL_|FORWARD_USER_INFO_/);
  });

  it('separates stdout and stderr in pipe mode', async () => {
    await t.cleanup();
    t = await terminalFixture({ OPEN_TERMINAL_OUTPUT_MODE: 'pipe' });
    const r = await run({ command: 'echo out; echo err 1>&2' }, { wait: 10 });
    expect(r.body.output).toEqual(expect.arrayContaining([{ type: 'stdout', data: 'out\n' }, { type: 'stderr', data: 'err\n' }]));
  });
});

describe('send_process_input and kill_process', () => {
  it('answers a prompt through input', async () => {
    const r = await run({ command: 'read -p "name? " x; echo "got $x"' });
    // Answer once the prompt is shown, as a person (or a model following the output) would.
    for (let i = 0; i < 250; i++) {
      const seen = await request(t.app).get(`/execute/${r.body.id}/status`).set(t.auth);
      if (outputText(seen.body).includes('name? ')) break;
      await sleep(20);
    }
    const sent = await request(t.app).post(`/execute/${r.body.id}/input`).set(t.auth).send({ input: 'Ada\n' });
    expect(sent.body).toEqual({ status: 'ok' });
    const s = await request(t.app).get(`/execute/${r.body.id}/status`).query({ wait: 10 }).set(t.auth);
    expect(s.body.status).toBe('done');
    expect(outputText(s.body), JSON.stringify(s.body)).toContain('got Ada');
    const late = await request(t.app).post(`/execute/${r.body.id}/input`).set(t.auth).send({ input: 'x\n' });
    expect(late.status).toBe(400);
  });

  it('turns \\x03 into Ctrl-C', async () => {
    const r = await run({ command: 'sleep 100' });
    await sleep(200);
    await request(t.app).post(`/execute/${r.body.id}/input`).set(t.auth).send({ input: '\\x03' });
    const s = await request(t.app).get(`/execute/${r.body.id}/status`).query({ wait: 10 }).set(t.auth);
    expect(s.body.status).toBe('done');
    expect(s.body.exit_code).toBe(130);
  });

  it('kills the whole process group and keeps the record', async () => {
    const marker = `tp-marker-${Date.now()}`;
    const r = await run({ command: `sh -c 'exec -a ${marker} sleep 1000' & sleep 1000; wait` });
    await sleep(300);
    const killed = await request(t.app).delete(`/execute/${r.body.id}`).set(t.auth).send({});
    expect(killed.body).toEqual({ status: 'killed' });
    const s = await request(t.app).get(`/execute/${r.body.id}/status`).set(t.auth);
    expect(s.body.status).toBe('done');
    expect(s.body.exit_code).not.toBe(0);
    // [t]p-... matches the marker but not this pgrep command line itself.
    const ps = await run({ command: `pgrep -f "[${marker[0]}]${marker.slice(1)}" || echo none` }, { wait: 10 });
    expect(outputText(ps.body)).toContain('none');
    const list = await request(t.app).get('/execute').set(t.auth);
    expect(list.body.find((p: { id: string }) => p.id === r.body.id)).toMatchObject({ status: 'done' });
  });

  it('answers 404 for an unknown process', async () => {
    const r = await request(t.app).get('/execute/20990101-000000-abcdef/status').set(t.auth);
    expect(r.status).toBe(404);
    expect(r.body.detail).toBe('Process not found');
  });
});

describe('escape sequences', () => {
  it('decodes what a model writes, and leaves real backslashes alone', () => {
    expect(decodeInputEscapes('\\x03')).toBe('\u0003');
    expect(decodeInputEscapes('yes\\n')).toBe('yes\n');
    expect(decodeInputEscapes('C:\\Users\\d+')).toBe('C:\\Users\\d+');
    expect(decodeInputEscapes('a\\\\nb')).toBe('a\\nb');
    expect(decodeInputEscapes('\\u001b[A')).toBe('\u001b[A');
  });
});

describe('a command printing without end', () => {
  it('keeps the server responsive and its memory bounded', async () => {
    const before = process.memoryUsage().rss;
    const r = await run({ command: 'yes' });
    for (let i = 0; i < 10; i++) {
      await sleep(200);
      const list = await request(t.app).get('/files/list').query({ directory: '/tmp' }).set(t.auth);
      expect(list.status).toBe(200);
    }
    const s = await request(t.app).get(`/execute/${r.body.id}/status`).query({ tail: 2 }).set(t.auth);
    expect(s.body.status).toBe('running');
    expect(outputText(s.body)).toContain('y\r\ny');
    await request(t.app).delete(`/execute/${r.body.id}`).query({ force: true }).set(t.auth);
    // A generous bound: the output stays on disk, not in memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  });
});

describe('configuration and odd output', () => {
  it('waits by default when a default wait is configured (for small models)', async () => {
    await t.cleanup();
    t = await terminalFixture({ OPEN_TERMINAL_DEFAULT_WAIT: '10' });
    const r = await run({ command: 'sleep 0.2; echo waited' });
    expect(r.body.status).toBe('done');
    expect(outputText(r.body)).toBe('waited\r\n');
  });

  it('survives binary output and file names that are not UTF-8', async () => {
    const out = await run({ command: "printf '\\xff\\xfe\\x00 raw\\n'; mkdir -p /tmp/tp-odd && cd /tmp/tp-odd && touch $'\\xff-name' ok-name" }, { wait: 10 });
    expect(out.status).toBe(200);
    expect(outputText(out.body)).toContain('raw');
    const list = await request(t.app).get('/files/list').query({ directory: '/tmp/tp-odd' }).set(t.auth);
    expect(list.status).toBe(200);
    expect(list.body.entries.map((e: { name: string }) => e.name)).toContain('ok-name');
    await run({ command: 'rm -rf /tmp/tp-odd' }, { wait: 10 });
  });
});

describe('retention', () => {
  it('forgets finished processes after the retention time and removes their logs', async () => {
    const { access } = await import('node:fs/promises');
    const r = await run({ command: 'echo keep-me' }, { wait: 10 });
    await sleep(1100); // the log file is closed a moment after the exit
    await access(r.body.log_path);
    expect(await t.deps.processes.forgetFinished(Date.now() + t.config.retentionMinutes * 60_000 - 5_000)).toBe(0);
    expect(await t.deps.processes.forgetFinished(Date.now() + t.config.retentionMinutes * 60_000 + 5_000)).toBe(1);
    expect((await request(t.app).get(`/execute/${r.body.id}/status`).set(t.auth)).status).toBe(404);
    await expect(access(r.body.log_path)).rejects.toThrow();
  });
});
