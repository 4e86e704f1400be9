import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export type EntryType = 'output' | 'stdout' | 'stderr';

export interface OutputEntry {
  type: EntryType;
  data: string;
}

export interface OutputPage {
  output: OutputEntry[];
  truncated: boolean;
  next_offset: number;
}

export interface OutputLogOptions {
  /** Entries kept in memory for fast paging; older ones are read back from the log file. */
  memoryEntries: number;
  memoryChars: number;
  /** The JSONL log is rotated past this size, keeping `keepFiles` old files. */
  maxFileBytes: number;
  keepFiles: number;
}

/**
 * A process's output: numbered entries, the recent ones in memory, all of them (within the
 * rotation limit) in a JSONL log `{"i":n,"type":..,"data":..}` per line. `onPressure(true)` asks the
 * producer to pause while the log file catches up, so a flood of output cannot grow memory.
 */
export class OutputLog {
  private readonly recent: OutputEntry[] = [];
  private recentChars = 0;
  private first = 0;
  private total = 0;
  private file: WriteStream;
  private fileBytes = 0;
  private closed = false;
  private rotation: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly options: OutputLogOptions,
    private readonly onPressure: (paused: boolean) => void = () => undefined,
  ) {
    this.file = this.openFile();
  }

  private openFile(): WriteStream {
    const file = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
    file.on('drain', () => this.onPressure(false));
    file.on('error', () => undefined);
    return file;
  }

  get count(): number {
    return this.total;
  }

  append(type: EntryType, data: string): void {
    if (!data || this.closed) return;
    const entry = { type, data };
    this.recent.push(entry);
    this.recentChars += data.length;
    while (this.recent.length > 1 && (this.recent.length > this.options.memoryEntries || this.recentChars > this.options.memoryChars)) {
      this.recentChars -= this.recent.shift()!.data.length;
      this.first++;
    }
    const line = `${JSON.stringify({ i: this.total, type, data })}\n`;
    this.total++;
    this.fileBytes += Buffer.byteLength(line);
    if (!this.file.write(line)) this.onPressure(true);
    if (this.fileBytes > this.options.maxFileBytes && !this.rotation) {
      this.rotation = this.rotate().finally(() => (this.rotation = undefined));
    }
  }

  /**
   * Moves the current file to path.1 (older ones up, the oldest beyond keepFiles dropped), then
   * starts a new one. Lines written meanwhile still land, in order, in the renamed file: the open
   * stream follows its file, not its name.
   */
  private async rotate(): Promise<void> {
    {
      // Bytes written from here on go to the next file (they land in the renamed one meanwhile).
      this.fileBytes = 0;
      // The current file exists only once its stream has opened it.
      if (this.file.pending) await once(this.file, 'ready');
      await rm(`${this.path}.${this.options.keepFiles}`, { force: true });
      for (let n = this.options.keepFiles - 1; n >= 1; n--) await rename(`${this.path}.${n}`, `${this.path}.${n + 1}`).catch(() => undefined);
      await rename(this.path, `${this.path}.1`).catch(() => undefined);
      const old = this.file;
      if (!this.closed) this.file = this.openFile();
      old.end();
    }
  }

  /** Entries from `offset` (or the last `tail`), at most `maxChars` characters of data. */
  async page(offset: number, tail: number | undefined, maxChars: number): Promise<OutputPage> {
    const start = tail !== undefined ? Math.max(offset, this.total - tail) : offset;
    const entries = start >= this.first ? this.recent.slice(start - this.first) : await this.fromFiles(start, maxChars);
    const output: OutputEntry[] = [];
    let chars = 0;
    for (const entry of entries) {
      if (output.length > 0 && chars + entry.data.length > maxChars) break;
      const room = maxChars - chars;
      output.push(entry.data.length > room ? { type: entry.type, data: `${entry.data.slice(0, room)}[... truncated]` } : entry);
      chars += entry.data.length;
    }
    const next = start + output.length;
    return { output, truncated: next < this.total || (tail !== undefined && start > offset), next_offset: next };
  }

  /** Entries from `start` read back from the log files, oldest file first, up to about maxChars. */
  private async fromFiles(start: number, maxChars: number): Promise<OutputEntry[]> {
    const out: OutputEntry[] = [];
    let chars = 0;
    const files = [...Array.from({ length: this.options.keepFiles }, (_, k) => `${this.path}.${this.options.keepFiles - k}`), this.path];
    for (const file of files) {
      if (!(await stat(file).catch(() => undefined))) continue;
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      for await (const line of lines) {
        const entry = JSON.parse(line) as { i: number; type: EntryType; data: string };
        if (entry.i < start) continue;
        out.push({ type: entry.type, data: entry.data });
        chars += entry.data.length;
        if (chars > maxChars) {
          lines.close();
          return out;
        }
      }
    }
    return out;
  }

  /** Closes the log and deletes its files, rotated ones included. */
  async remove(): Promise<void> {
    await this.close();
    for (let n = 0; n <= this.options.keepFiles; n++) await rm(n ? `${this.path}.${n}` : this.path, { force: true });
  }

  /** Resolves once a rotation under way has finished. */
  async settled(): Promise<void> {
    await this.rotation;
  }

  async close(): Promise<void> {
    await this.rotation;
    this.closed = true;
    await new Promise<void>((resolve) => this.file.end(resolve));
  }
}
