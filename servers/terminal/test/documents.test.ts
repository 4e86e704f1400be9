import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfBytes, writeDocx, writePptx, writeXlsx } from '../../../test/helpers/documents.js';
import { terminalFixture, type TerminalFixture } from '../../../test/helpers/terminal-fixture.js';

let t: TerminalFixture;
let dir: string;
beforeAll(async () => {
  t = await terminalFixture();
  dir = t.dir;
  await writeFile(join(dir, 'report.pdf'), pdfBytes(['Quarterly report', 'Revenue grew 12 percent']));
  await writeDocx(join(dir, 'letter.docx'), ['Dear reader,', 'the meeting moves to Friday.']);
  await writeXlsx(join(dir, 'table.xlsx'), [['city', 'visitors'], ['Oslo', 'many']]);
  await writePptx(join(dir, 'deck.pptx'), ['Roadmap 2027', 'Thank you']);
  await writeFile(join(dir, 'broken.pdf'), 'this is not a pdf');
});
afterAll(() => t.cleanup());

const read = (path: string, query: Record<string, unknown> = {}) => request(t.app).get('/files/read').query({ path: join(dir, path), ...query }).set(t.auth);

describe('read_file on documents', () => {
  it('extracts the text of a PDF', async () => {
    const r = await read('report.pdf');
    expect(r.status).toBe(200);
    expect(r.body.content).toContain('Quarterly report');
    expect(r.body.content).toContain('Revenue grew 12 percent');
  });

  it('extracts Word, Excel and PowerPoint text', async () => {
    expect((await read('letter.docx')).body.content).toContain('the meeting moves to Friday.');
    const sheet = (await read('table.xlsx')).body.content;
    expect(sheet).toContain('Oslo');
    expect(sheet).toContain('visitors');
    const deck = (await read('deck.pptx')).body.content;
    expect(deck).toContain('Roadmap 2027');
    expect(deck).toContain('Thank you');
  });

  it('pages extracted text by line like any text file', async () => {
    const r = await read('letter.docx', { start_line: 2, end_line: 2 });
    expect(r.body.start_line).toBe(2);
    expect(r.body.content).not.toContain('Dear reader');
  });

  it('answers a damaged document with a clear 415', async () => {
    const r = await read('broken.pdf');
    expect(r.status).toBe(415);
    expect(r.body.detail).toMatch(/could not be extracted/);
  });
});
