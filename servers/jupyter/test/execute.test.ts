import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryBody, linkPath } from '../../../test/helpers/files-fixture.js';
import { jupyterFixture, type JupyterFixture } from '../../../test/helpers/jupyter-fixture.js';

let j: JupyterFixture;
beforeAll(async () => {
  j = await jupyterFixture();
});
afterAll(() => j.cleanup());

const run = (code: string, headers = j.as('alice'), extra: Record<string, unknown> = {}) =>
  request(j.app).post('/execute').set(headers).send({ code, ...extra });

describe('execute_python', () => {
  it("returns stdout, stderr and the last expression's value in Open WebUI's shape", async () => {
    const r = await run("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'success', stdout: 'out\n', stderr: 'err\n', result: '42', error: null, images: [] });
    expect(r.body.execution_count).toBeGreaterThanOrEqual(1);
  });

  it('keeps state within a chat, not across chats or users', async () => {
    expect((await run('secret_value = 1234')).body.status).toBe('success');
    expect((await run('secret_value')).body.result).toBe('1234');
    const otherChat = await run('secret_value', j.as('alice', 'chat-2'));
    expect(otherChat.body.error.ename).toBe('NameError');
    const otherUser = await run('secret_value', j.as('bob', 'chat-1'));
    expect(otherUser.body.error.ename).toBe('NameError');
  });

  it("runs in the user's workspace, where files written by code can be read back", async () => {
    const r = await run("import os\nopen('made-by-code.txt', 'w').write('hello')\nos.getcwd()");
    expect(r.body.result).toBe(`'${join(j.config.dataDir, 'users', 'alice')}'`);
    expect(await readFile(join(j.config.dataDir, 'users', 'alice', 'made-by-code.txt'), 'utf8')).toBe('hello');
  });

  it('saves a matplotlib figure in the workspace and returns a link a browser opens', async () => {
    const r = await run('import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title("t")\nplt.show()');
    expect(r.body.status).toBe('success');
    expect(r.body.images).toHaveLength(1);
    const image = r.body.images[0];
    expect(image.path).toMatch(/^outputs\/figure-.*\.png$/);
    expect(image.markdown).toBe(`![${image.path.split('/')[1]}](${image.url})`);
    const saved = await readFile(join(j.config.dataDir, 'users', 'alice', image.path));
    expect(saved.subarray(1, 4).toString()).toBe('PNG');
    const opened = await request(j.app).get(linkPath(image.url)).buffer(true).parse(binaryBody);
    expect(opened.status).toBe(200);
    expect(opened.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(opened.body as Buffer, saved)).toBe(0);
    // The figure's text stand-in ("<Figure size ...>") is not repeated as a result.
    expect(r.body.result).toBe('');
  });

  it('returns SVG images and turns HTML-only tables into markdown', async () => {
    const svg = await run(`from IPython.display import SVG, display\ndisplay(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'))`);
    expect(svg.body.images[0].path).toMatch(/\.svg$/);
    const table = await run("from IPython.display import HTML\nHTML('<table><tr><th>city</th><th>n</th></tr><tr><td>Oslo</td><td>3</td></tr></table>')");
    expect(table.body.result).toContain('| city | n |');
    expect(table.body.result).toContain('| Oslo | 3 |');
  });

  it('gives pandas tables as readable text', async () => {
    const r = await run("import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})");
    expect(r.body.result).toBe('   a  b\n0  1  x\n1  2  y');
  });

  it('reports exceptions with a traceback free of colour codes', async () => {
    const r = await run('def f():\n    return 1 / 0\nf()');
    expect(r.body.status).toBe('error');
    expect(r.body.error).toMatchObject({ ename: 'ZeroDivisionError', evalue: 'division by zero' });
    expect(r.body.error.traceback).toContain('return 1 / 0');
    expect(r.body.error.traceback).not.toMatch(/\u001b\[/);
  });

  it('reports syntax errors', async () => {
    const r = await run('def broken(:\n  pass');
    expect(r.body.status).toBe('error');
    expect(r.body.error.ename).toBe('SyntaxError');
  });

  it('answers input() with a clear error instead of hanging', async () => {
    const r = await run("name = input('name? ')");
    expect(r.body.status).toBe('error');
    expect(r.body.error.evalue).toMatch(/input\(\) is not available/);
  });

  it('caps a huge print and marks the truncation', async () => {
    const r = await run("print('x' * 5_000_000)");
    expect(r.body.truncated).toBe(true);
    expect(r.body.stdout.length).toBeLessThan(j.config.maxOutputChars + 100);
    expect(r.body.stdout).toMatch(/\[\.\.\. truncated: \d+ more characters\]$/);
  });

  it('survives binary and non-UTF-8 output', async () => {
    const r = await run("import os\nos.write(1, b'\\xff\\xfe raw bytes\\n')\nprint('nul:\\x00 bell:\\x07')\nb'\\x00\\xff'");
    expect(r.body.status).toBe('success');
    expect(r.body.stdout).toBe('nul:\u0000 bell:\u0007\n');
    expect(r.body.result).toBe("b'\\x00\\xff'");
  });

  it('refuses empty code and an over-long time limit with a short 400', async () => {
    expect((await run('   ')).body).toEqual({ detail: 'code is empty: pass the Python code to run.', code: 'INVALID_REQUEST' });
    const r = await run('1', j.as('alice'), { timeout: 100000 });
    expect(r.status).toBe(400);
  });
});
