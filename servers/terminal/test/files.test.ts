import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputText, terminalFixture, type TerminalFixture } from '../../../test/helpers/terminal-fixture.js';

let t: TerminalFixture;
let home: string;
beforeEach(async () => {
  t = await terminalFixture();
  home = t.config.sharedRoot;
  await mkdir(home, { recursive: true });
});
afterEach(() => t.cleanup());

describe('file tools', () => {
  it('write_file then read_file by line range, relative to the working directory', async () => {
    const w = await request(t.app).post('/files/write').set(t.auth).send({ path: 'notes/a.txt', content: 'one\ntwo\nthree\nfour' });
    expect(w.body).toEqual({ path: join(home, 'notes/a.txt'), size: 18 });
    const r = await request(t.app).get('/files/read').query({ path: 'notes/a.txt', start_line: 2, end_line: 3 }).set(t.auth);
    expect(r.body).toMatchObject({ path: join(home, 'notes/a.txt'), total_lines: 4, content: 'two\nthree' });
    const abs = await request(t.app).get('/files/read').query({ path: join(home, 'notes/a.txt') }).set(t.auth);
    expect(abs.body.content).toBe('one\ntwo\nthree\nfour');
  });

  it('replace_file_content edits a unique target and refuses missing or ambiguous ones without changing anything', async () => {
    await writeFile(join(home, 'c.py'), 'x = 1\ny = 1\nprint(x)\n');
    const ok = await request(t.app).post('/files/replace').set(t.auth).send({ path: 'c.py', replacements: [{ target: 'print(x)', replacement: 'print(x + y)' }] });
    expect(ok.status).toBe(200);
    expect(await readFile(join(home, 'c.py'), 'utf8')).toBe('x = 1\ny = 1\nprint(x + y)\n');
    const ambiguous = await request(t.app).post('/files/replace').set(t.auth).send({ path: 'c.py', replacements: [{ target: '= 1', replacement: '= 2' }] });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.detail).toMatch(/occurs 2 times/);
    const missing = await request(t.app).post('/files/replace').set(t.auth).send({ path: 'c.py', replacements: [{ target: 'z = 3', replacement: '' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toMatch(/not found/);
    const ranged = await request(t.app).post('/files/replace').set(t.auth).send({ path: 'c.py', replacements: [{ target: '= 1', replacement: '= 5', start_line: 2, end_line: 2 }] });
    expect(ranged.status).toBe(200);
    const many = await request(t.app).post('/files/replace').set(t.auth).send({ path: 'c.py', replacements: [{ target: 'x', replacement: 'z', allow_multiple: true }] });
    expect(many.status).toBe(200);
    expect(await readFile(join(home, 'c.py'), 'utf8')).toBe('z = 1\ny = 5\nprint(z + y)\n');
  });

  it('grep_search and glob_search return absolute paths', async () => {
    await mkdir(join(home, 'src/sub'), { recursive: true });
    await writeFile(join(home, 'src/a.py'), 'import os\nTODO: fix\n');
    await writeFile(join(home, 'src/sub/b.py'), 'todo later\n');
    const grep = await request(t.app).get('/files/grep').query({ query: 'todo', case_insensitive: true, path: 'src' }).set(t.auth);
    expect(grep.body.matches).toEqual(expect.arrayContaining([
      { file: join(home, 'src/a.py'), line: 2, content: 'TODO: fix' },
      { file: join(home, 'src/sub/b.py'), line: 1, content: 'todo later' },
    ]));
    const files = await request(t.app).get('/files/grep').query({ query: 'o', path: 'src', match_per_line: false }).set(t.auth);
    expect(files.body.matches.map((m: { file: string }) => m.file).sort()).toEqual([join(home, 'src/a.py'), join(home, 'src/sub/b.py')]);
    const glob = await request(t.app).get('/files/glob').query({ pattern: '**/*.py', path: 'src' }).set(t.auth);
    expect(glob.body.matches.map((m: { path: string }) => m.path).sort()).toEqual([join(home, 'src/a.py'), join(home, 'src/sub/b.py')]);
  });

  it('list_files, display_file, and clear errors for missing and binary files', async () => {
    await writeFile(join(home, 'bin.dat'), Buffer.from([0, 1, 2, 3]));
    const list = await request(t.app).get('/files/list').set(t.auth);
    expect(list.body.dir).toBe(home);
    expect(list.body.entries.map((e: { name: string }) => e.name)).toContain('bin.dat');
    expect((await request(t.app).get('/files/display').query({ path: 'bin.dat' }).set(t.auth)).body).toEqual({ path: join(home, 'bin.dat'), exists: true });
    expect((await request(t.app).get('/files/display').query({ path: 'nope' }).set(t.auth)).body.exists).toBe(false);
    expect((await request(t.app).get('/files/read').query({ path: 'bin.dat' }).set(t.auth)).status).toBe(415);
    const missing = await request(t.app).get('/files/read').query({ path: 'nope.txt' }).set(t.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toMatch(/No such file/);
  });

  it('answers validation problems with 422 and a named field, as Open Terminal does', async () => {
    const r = await request(t.app).get('/files/read').set(t.auth);
    expect(r.status).toBe(422);
    expect(r.body.detail).toBe("Invalid request: query parameter 'path' is required.");
  });
});

describe('working directory per session', () => {
  it('keeps a cwd per X-Session-Id, used by commands and relative paths', async () => {
    await mkdir(join(home, 'proj'), { recursive: true });
    const set = await request(t.app).post('/files/cwd').set(t.session('s1')).send({ path: 'proj' });
    expect(set.body).toEqual({ cwd: join(home, 'proj') });
    expect((await request(t.app).get('/files/cwd').set(t.session('s1'))).body).toEqual({ cwd: join(home, 'proj'), home });
    expect((await request(t.app).get('/files/cwd').set(t.session('s2'))).body.cwd).toBe(home);
    const pwd = await request(t.app).post('/execute').query({ wait: 10 }).set(t.session('s1')).send({ command: 'pwd' });
    expect(outputText(pwd.body)).toBe(`${join(home, 'proj')}\r\n`);
    await request(t.app).post('/files/write').set(t.session('s1')).send({ path: 'here.txt', content: 'x' });
    expect(await readFile(join(home, 'proj/here.txt'), 'utf8')).toBe('x');
    expect((await request(t.app).post('/files/cwd').set(t.session('s1')).send({ path: 'missing-dir' })).status).toBe(404);
  });
});

describe('helper routes', () => {
  it('/api/config needs no key and offers the system prompt; /system describes the machine', async () => {
    expect((await request(t.app).get('/api/config')).body).toEqual({ features: { terminal: true, notebooks: false, system: true } });
    const sys = await request(t.app).get('/system').set(t.auth);
    expect(sys.body.prompt).toContain(home);
    expect(sys.body.prompt).toMatch(/Linux/);
  });

  it('the system prompt can be replaced by a template', async () => {
    await t.cleanup();
    t = await terminalFixture({ OPEN_TERMINAL_SYSTEM_PROMPT: 'Box {{hostname}} runs {{shell}} for {{user}} ({{unknown}})' });
    const sys = await request(t.app).get('/system').set(t.auth);
    expect(sys.body.prompt).toMatch(/^Box \S+ runs \/bin\/bash for \S+ \(\{\{unknown\}\}\)$/);
  });

  it('get_info is a tool only when an info text is configured', async () => {
    const without = await request(t.app).get('/openapi.json');
    expect(JSON.stringify(without.body)).not.toContain('get_info');
    expect((await request(t.app).get('/info').set(t.auth)).status).toBe(404);
    await t.cleanup();
    t = await terminalFixture({ OPEN_TERMINAL_INFO: 'GPU box, CUDA 12 installed.' });
    expect(JSON.stringify((await request(t.app).get('/openapi.json')).body)).toContain('get_info');
    expect((await request(t.app).get('/info').set(t.auth)).body).toEqual({ info: 'GPU box, CUDA 12 installed.' });
  });

  it('uploads, views, moves, deletes and archives for the file browser', async () => {
    const up = await request(t.app).post('/files/upload').query({ directory: home }).set(t.auth).attach('file', Buffer.from('abc'), 'up.txt');
    expect(up.body).toEqual({ path: join(home, 'up.txt'), size: 3 });
    expect((await request(t.app).get('/files/view').query({ path: 'up.txt' }).set(t.auth)).text).toBe('abc');
    expect((await request(t.app).get(`/files/serve${home}/up.txt`).set(t.auth)).text).toBe('abc');
    expect((await request(t.app).post('/files/mkdir').set(t.auth).send({ path: 'd' })).body).toEqual({ path: join(home, 'd') });
    expect((await request(t.app).post('/files/move').set(t.auth).send({ source: 'up.txt', destination: 'd/up.txt' })).status).toBe(200);
    const zip = await request(t.app).post('/files/archive').set(t.auth).send({ paths: ['d'] });
    expect(zip.headers['content-type']).toBe('application/zip');
    expect((await request(t.app).delete('/files/delete').query({ path: 'd' }).set(t.auth)).body).toEqual({ path: join(home, 'd'), type: 'directory' });
  });
});

describe('bounded answers', () => {
  it('cuts a huge directory listing and says so', async () => {
    const big = join(home, 'many');
    await mkdir(big);
    await Promise.all(Array.from({ length: 2100 }, (_, i) => writeFile(join(big, `f${i}`), '')));
    const r = await request(t.app).get('/files/list').query({ directory: 'many' }).set(t.auth);
    expect(r.body.entries).toHaveLength(2000);
    expect(r.body.truncated).toBe(true);
    expect(r.body.note).toMatch(/Showing 2000 of 2100 entries/);
  });
});
