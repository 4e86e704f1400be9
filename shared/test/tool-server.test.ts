import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { capText, createLogger, createToolServer, loadSpec, pageOf, startServer } from '../src/index.js';

const spec = loadSpec(new URL('./fixtures/tiny.yaml', import.meta.url).pathname);
const auth = { Authorization: 'Bearer k' };

function tinyApp() {
  return createToolServer({
    name: 'tiny',
    spec,
    access: { apiKeys: ['k'] },
    logger: createLogger({ name: 'tiny', level: 'silent' }),
    nullQueryIsAbsent: true,
    handlers: {
      slow_call: async (input) => {
        await sleep(input.ms ?? 0);
        return { waited: input.ms };
      },
      boom: () => {
        throw new Error('secret internal detail at /srv/x.ts:12');
      },
      echo: (input) => input,
    },
  });
}

describe('createToolServer', () => {
  it('never shows an internal error to the client, only a request id', async () => {
    const r = await request(tinyApp()).post('/boom').set(auth).set('X-Request-Id', 'req-123').send({});
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ detail: 'Internal error (request id req-123).', code: 'INTERNAL' });
    expect(r.headers['x-request-id']).toBe('req-123');
    expect(r.text).not.toContain('secret internal detail');
  });

  it('gives each request an id when the caller sends none', async () => {
    const r = await request(tinyApp()).get('/slow').set(auth);
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('types query values, applies defaults, lifts query values from the body, and treats "null" as absent', async () => {
    const app = tinyApp();
    expect((await request(app).get('/slow?ms=5').set(auth)).body).toEqual({ waited: 5 });
    const lifted = await request(app).post('/echo').set(auth).send({ text: 'hi', mode: 'b', count: '7' });
    expect(lifted.body).toEqual({ text: 'hi', mode: 'b', count: 7 });
    const defaults = await request(app).post('/echo?mode=null').set(auth).send({});
    expect(defaults.body).toEqual({ count: 3 });
    const bad = await request(app).post('/echo').set(auth).send({ mode: 'c' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe("Invalid request: query parameter 'mode' must be equal to one of the allowed values: a, b.");
  });

  it('answers unknown routes and methods briefly', async () => {
    const app = tinyApp();
    expect((await request(app).get('/nope').set(auth)).body.code).toBe('NOT_FOUND');
    expect((await request(app).put('/slow').set(auth)).body.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('finishes in-flight requests on shutdown while refusing new connections', async () => {
    const running = await startServer(tinyApp(), { host: '127.0.0.1', port: 0 });
    const inflight = fetch(`${running.url}/slow?ms=400`, { headers: auth }).then((r) => r.json());
    await sleep(100);
    const closed = running.close();
    await expect(fetch(`${running.url}/slow?ms=0`, { headers: auth })).rejects.toThrow();
    expect(await inflight).toEqual({ waited: 400 });
    await closed;
  });
});

describe('output caps', () => {
  it('marks truncated text and says how much was left out', () => {
    expect(capText('short', 10)).toEqual({ text: 'short', truncated: false, omitted: 0 });
    const capped = capText('x'.repeat(25), 10);
    expect(capped).toEqual({ text: `${'x'.repeat(10)}\n[... truncated: 15 more characters]`, truncated: true, omitted: 15 });
  });

  it('pages lists with the offset of the next page', () => {
    expect(pageOf([1, 2, 3, 4, 5], 1, 2)).toEqual({ items: [2, 3], total: 5, truncated: true, next_offset: 3 });
    expect(pageOf([1, 2, 3], 2, 5)).toEqual({ items: [3], total: 3, truncated: false, next_offset: null });
  });
});
