import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binaryBody, filesFixture, linkPath, type FilesFixture } from '../../../test/helpers/files-fixture.js';

let f: FilesFixture;
beforeEach(async () => {
  f = await filesFixture();
});
afterEach(() => f.cleanup());

describe('files tools', () => {
  it('writes a file atomically, creating folders, and reads it back by line range', async () => {
    const content = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n');
    const w = await request(f.app).post('/write').set(f.auth).send({ path: 'notes/day1/log.txt', content });
    expect(w.status).toBe(200);
    expect(w.body).toEqual({ path: 'notes/day1/log.txt', size: Buffer.byteLength(content) });
    expect(await readFile(join(f.userRoot(), 'notes/day1/log.txt'), 'utf8')).toBe(content);

    const r = await request(f.app).get('/read').query({ path: 'notes/day1/log.txt', start_line: 3, end_line: 5 }).set(f.auth);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total_lines: 10, start_line: 3, end_line: 5, content: 'line 3\nline 4\nline 5', truncated: false, next_start_line: null });
  });

  it('refuses to replace a file when overwrite is false, and leaves it unchanged', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'a.txt', content: 'first' });
    const again = await request(f.app).post('/write').set(f.auth).send({ path: 'a.txt', content: 'second', overwrite: false });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already exists/);
    expect(await readFile(join(f.userRoot(), 'a.txt'), 'utf8')).toBe('first');
  });

  it('writes binary content given as base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const w = await request(f.app).post('/write').set(f.auth).send({ path: 'b.bin', content: bytes.toString('base64'), encoding: 'base64' });
    expect(w.status).toBe(200);
    expect(await readFile(join(f.userRoot(), 'b.bin'))).toEqual(bytes);
    const r = await request(f.app).get('/read').query({ path: 'b.bin' }).set(f.auth);
    expect(r.status).toBe(415);
    expect(r.body.detail).toMatch(/binary/);
  });

  it('caps a long file and says where to continue', async () => {
    const f2 = await filesFixture({ FILES_MAX_OUTPUT_CHARS: '1000' });
    try {
      const lines = Array.from({ length: 500 }, (_, i) => `row ${String(i + 1).padStart(4, '0')} ${'x'.repeat(20)}`);
      await request(f2.app).post('/write').set(f2.auth).send({ path: 'big.txt', content: lines.join('\n') });
      const first = await request(f2.app).get('/read').query({ path: 'big.txt' }).set(f2.auth);
      expect(first.body.content.length).toBeLessThanOrEqual(1000);
      expect(first.body.truncated).toBe(true);
      const next = await request(f2.app).get('/read').query({ path: 'big.txt', start_line: first.body.next_start_line }).set(f2.auth);
      expect(next.body.content.split('\n')[0]).toBe(lines[first.body.next_start_line - 1]);
    } finally {
      await f2.cleanup();
    }
  });

  it('returns images as the image itself so a model can see them', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1f3b6a10000000049454e44ae426082', 'hex');
    await mkdir(f.userRoot(), { recursive: true });
    await writeFile(join(f.userRoot(), 'dot.png'), png);
    const r = await request(f.app).get('/read').query({ path: 'dot.png' }).set(f.auth);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/png');
    expect(Buffer.from(r.body)).toEqual(png);
  });

  it('lists folders first with sizes, and pages large directories', async () => {
    await mkdir(join(f.userRoot(), 'zdir'), { recursive: true });
    for (let i = 0; i < 5; i++) await writeFile(join(f.userRoot(), `f${i}.txt`), 'x'.repeat(i));
    const page1 = await request(f.app).get('/list').query({ limit: 3 }).set(f.auth);
    expect(page1.body.entries.map((e: { name: string }) => e.name)).toEqual(['zdir', 'f0.txt', 'f1.txt']);
    expect(page1.body).toMatchObject({ total: 6, truncated: true, next_offset: 3 });
    const page2 = await request(f.app).get('/list').query({ offset: 3, limit: 3 }).set(f.auth);
    expect(page2.body.entries.map((e: { name: string; size: number }) => [e.name, e.size])).toEqual([['f2.txt', 2], ['f3.txt', 3], ['f4.txt', 4]]);
    expect(page2.body.next_offset).toBeNull();
  });

  it('moves, creates folders and deletes', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'src/a.txt', content: 'a' });
    expect((await request(f.app).post('/mkdir').set(f.auth).send({ path: 'dest/deep' })).body).toEqual({ path: 'dest/deep', created: true });
    const mv = await request(f.app).post('/move').set(f.auth).send({ source: 'src/a.txt', destination: 'dest/deep/b.txt' });
    expect(mv.body).toEqual({ source: 'src/a.txt', destination: 'dest/deep/b.txt', type: 'file' });
    expect(await readFile(join(f.userRoot(), 'dest/deep/b.txt'), 'utf8')).toBe('a');
    await request(f.app).post('/write').set(f.auth).send({ path: 'other.txt', content: 'o' });
    const clash = await request(f.app).post('/move').set(f.auth).send({ source: 'other.txt', destination: 'dest/deep/b.txt' });
    expect(clash.status).toBe(409);
    const into = await request(f.app).post('/move').set(f.auth).send({ source: 'dest', destination: 'dest/deep/x' });
    expect(into.status).toBe(400);
    const del = await request(f.app).delete('/delete').query({ path: 'dest' }).set(f.auth).send({});
    expect(del.body).toEqual({ path: 'dest', type: 'directory' });
    expect((await request(f.app).get('/list').set(f.auth)).body.entries.map((e: { name: string }) => e.name)).toEqual(['src', 'other.txt']);
    expect((await request(f.app).delete('/delete').query({ path: '.' }).set(f.auth)).status).toBe(400);
  });

  it('finds files by glob and lines by text or regex', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'docs/a.md', content: 'Hello World\nsecond line' });
    await request(f.app).post('/write').set(f.auth).send({ path: 'docs/sub/b.md', content: 'nothing\nhello again' });
    await request(f.app).post('/write').set(f.auth).send({ path: 'code/x.py', content: 'print("hello")' });
    const glob = await request(f.app).get('/find').query({ pattern: '*.md' }).set(f.auth);
    expect(glob.body.matches.map((m: { path: string }) => m.path).sort()).toEqual(['docs/a.md', 'docs/sub/b.md']);
    const dirs = await request(f.app).get('/find').query({ pattern: '**', type: 'directory', path: 'docs' }).set(f.auth);
    expect(dirs.body.matches.map((m: { path: string }) => m.path)).toEqual(['docs/sub']);

    const grep = await request(f.app).get('/search').query({ query: 'hello', case_insensitive: true, include: '*.md' }).set(f.auth);
    expect(grep.body.matches).toEqual(
      expect.arrayContaining([
        { file: 'docs/a.md', line: 1, content: 'Hello World' },
        { file: 'docs/sub/b.md', line: 2, content: 'hello again' },
      ]),
    );
    expect(grep.body.matches).toHaveLength(2);
    const regex = await request(f.app).get('/search').query({ query: '^print\\(', regex: true }).set(f.auth);
    expect(regex.body.matches).toEqual([{ file: 'code/x.py', line: 1, content: 'print("hello")' }]);
    const limited = await request(f.app).get('/search').query({ query: 'l', max_results: 1 }).set(f.auth);
    expect(limited.body).toMatchObject({ truncated: true });
    expect(limited.body.matches).toHaveLength(1);
  });

  it('refuses a regular expression that could stall the server, with a reason', async () => {
    const r = await request(f.app).get('/search').query({ query: '(a+)+$', regex: true }).set(f.auth);
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/nested repetition/);
  });
});

describe('sharing', () => {
  it('shares a file as a link that a browser opens without the key, with markdown for the answer', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'report.csv', content: 'a,b\n1,2\n' });
    const s = await request(f.app).post('/share').set(f.auth).send({ path: 'report.csv', expires_in_minutes: 5 });
    expect(s.status).toBe(200);
    expect(s.body.url).toMatch(/^http:\/\/files\.test\/links\/[^/]+\/report\.csv$/);
    expect(s.body.markdown).toBe(`[report.csv](${s.body.url})`);
    expect(Date.parse(s.body.expires_at) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const open = await request(f.app).get(linkPath(s.body.url));
    expect(open.status).toBe(200);
    expect(open.text).toBe('a,b\n1,2\n');
    expect(open.headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('gives images an inline markdown image', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'plots/fig 1.png', content: 'AAAA', encoding: 'base64' });
    const s = await request(f.app).post('/share').set(f.auth).send({ path: 'plots/fig 1.png' });
    expect(s.body.markdown).toBe(`![fig 1.png](${s.body.url})`);
    expect(s.body.url).toMatch(/\/fig%201\.png$/);
  });

  it('shares several paths as one zip link', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'r/a.txt', content: 'A' });
    await request(f.app).post('/write').set(f.auth).send({ path: 'b.txt', content: 'BB' });
    const s = await request(f.app).post('/share/zip').set(f.auth).send({ paths: ['r', 'b.txt'], name: 'bundle' });
    expect(s.body).toMatchObject({ name: 'bundle.zip', size: 3 });
    expect(s.body.markdown).toBe(`[bundle.zip](${s.body.url})`);
    const open = await request(f.app).get(linkPath(s.body.url)).buffer(true).parse(binaryBody);
    expect(open.status).toBe(200);
    expect(open.headers['content-type']).toBe('application/zip');
    expect(open.headers['content-disposition']).toContain('bundle.zip');
    expect((open.body as Buffer).subarray(0, 2).toString()).toBe('PK');
  });

  it('says clearly when the file to share does not exist', async () => {
    const s = await request(f.app).post('/share').set(f.auth).send({ path: 'nope.txt' });
    expect(s.status).toBe(404);
    expect(s.body).toEqual({ detail: 'No such file or directory: nope.txt', code: 'NOT_FOUND' });
  });
});

describe('calls shaped as Open WebUI sends them', () => {
  it('accepts query parameters inside the JSON body of an operation that has a body', async () => {
    // Open WebUI puts every argument in the body when the operation declares one (contract §3).
    const r = await request(f.app).post('/write').set(f.auth).set('Content-Type', 'application/json').send(JSON.stringify({ path: 'x.txt', content: 'hi', unknown_extra: 1 }));
    expect(r.status).toBe(200);
  });

  it('accepts a JSON body on DELETE and ignores it', async () => {
    await request(f.app).post('/write').set(f.auth).send({ path: 'gone.txt', content: '' });
    const r = await request(f.app).delete('/delete?path=gone.txt').set(f.auth).send({});
    expect(r.status).toBe(200);
  });

  it('names the field in a validation error', async () => {
    const r = await request(f.app).post('/write').set(f.auth).send({ path: 'x.txt' });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe("Invalid request: body field 'content' is required.");
    const t = await request(f.app).get('/list').query({ limit: 'many' }).set(f.auth);
    expect(t.status).toBe(400);
    expect(t.body.detail).toMatch(/query parameter 'limit' must be integer/);
  });

  it('answers malformed JSON with a short 400, not a stack trace', async () => {
    const r = await request(f.app).post('/write').set(f.auth).set('Content-Type', 'application/json').send('{"path": ');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ detail: 'The request body is not valid JSON.', code: 'INVALID_REQUEST' });
  });
});

describe('identity', () => {
  it('keeps each user in their own workspace, and callers without identity in the shared one', async () => {
    await request(f.app).post('/write').set(f.as('alice')).send({ path: 'mine.txt', content: 'alice' });
    await request(f.app).post('/write').set(f.auth).send({ path: 'common.txt', content: 'shared' });
    expect(await readFile(join(f.userRoot('alice'), 'mine.txt'), 'utf8')).toBe('alice');
    expect(await readFile(join(f.userRoot(), 'common.txt'), 'utf8')).toBe('shared');
    const bob = await request(f.app).get('/list').set(f.as('bob'));
    expect(bob.body.entries).toEqual([]);
  });

  it('requires identity when configured, with a clear 400', async () => {
    const strict = await filesFixture({ FILES_REQUIRE_IDENTITY: 'true' });
    try {
      const r = await request(strict.app).get('/list').set(strict.auth);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('IDENTITY_REQUIRED');
      expect((await request(strict.app).get('/list').set(strict.as('carol'))).status).toBe(200);
    } finally {
      await strict.cleanup();
    }
  });
});
