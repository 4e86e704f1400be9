import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputLog } from '../src/processes/output-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'output-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('OutputLog', () => {
  it('keeps recent entries in memory and reads older ones back from the JSONL log', async () => {
    const log = new OutputLog(join(dir, 'p.jsonl'), { memoryEntries: 3, memoryChars: 1000, maxFileBytes: 1_000_000, keepFiles: 2 });
    for (let i = 0; i < 10; i++) log.append('stdout', `line ${i}\n`);
    await log.close();
    const old = await log.page(1, undefined, 10_000);
    expect(old.output.map((e) => e.data)).toEqual(Array.from({ length: 9 }, (_, i) => `line ${i + 1}\n`));
    expect(old.next_offset).toBe(10);
    const tail = await log.page(0, 2, 10_000);
    expect(tail.output.map((e) => e.data)).toEqual(['line 8\n', 'line 9\n']);
    expect(tail.truncated).toBe(true);
  });

  it('caps a page by characters and says where to continue', async () => {
    const log = new OutputLog(join(dir, 'p.jsonl'), { memoryEntries: 100, memoryChars: 100_000, maxFileBytes: 1_000_000, keepFiles: 2 });
    for (let i = 0; i < 10; i++) log.append('output', 'x'.repeat(100));
    const page = await log.page(0, undefined, 350);
    expect(page.output).toHaveLength(3);
    expect(page).toMatchObject({ truncated: true, next_offset: 3 });
    await log.close();
  });

  it('rotates the log file past its size limit and keeps only the newest files', async () => {
    const log = new OutputLog(join(dir, 'p.jsonl'), { memoryEntries: 10, memoryChars: 100_000, maxFileBytes: 2000, keepFiles: 2 });
    for (let i = 0; i < 200; i++) {
      log.append('output', `${'y'.repeat(90)}${i}\n`);
      await log.settled();
    }
    await log.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['p.jsonl', 'p.jsonl.1', 'p.jsonl.2']);
    const recent = await log.page(195, undefined, 100_000);
    expect(recent.output.at(-1)!.data).toContain('199');
  });
});
