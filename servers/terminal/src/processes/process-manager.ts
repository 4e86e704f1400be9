import { spawn as spawnChild } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as pty from '@lydell/node-pty';
import { ToolError } from '@toolpack/shared';
import { OutputLog, type OutputLogOptions, type OutputPage } from './output-log.js';
import { isProcessId, newProcessId } from './process-id.js';
import { keepFinalOutput } from './pty-drain.js';

export type OutputMode = 'pty' | 'pipe';

/** Who runs a command: processes are visible only to their owner. */
export interface Owner {
  userKey: string;
  /** The user's home (where a sandbox binds it); absent in lookups by key only. */
  home?: string;
}

/** How to start the shell for a command (a sandbox wraps it; see main.ts). */
export interface Launch {
  file: string;
  args: string[];
}

export interface ProcessRecord {
  id: string;
  command: string;
  owner: string;
  status: 'running' | 'done';
  exitCode: number | null;
  signal: string | null;
  startedAt: number;
  endedAt: number | null;
  log: OutputLog;
  pid: number;
  exited: Promise<void>;
  write(data: string): void;
  signalGroup(signal: NodeJS.Signals): void;
}

export interface ProcessResult extends OutputPage {
  id: string;
  command: string;
  status: 'running' | 'done';
  exit_code: number | null;
  log_path: string;
}

export interface ProcessManagerOptions {
  logDir: string;
  mode: OutputMode;
  cols: number;
  rows: number;
  /** Builds the shell invocation for a command (plain `sh -c`, or inside a sandbox). */
  launch: (command: string, owner: Owner, cwd: string) => Launch;
  /** The environment every command starts from (server secrets already removed). */
  baseEnv: Record<string, string>;
  maxRunningPerUser: number;
  /** Finished processes are forgotten (and their logs removed) after this long. */
  retentionMs: number;
  log: Partial<OutputLogOptions>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/**
 * Background commands on PTYs (or pipes), event-driven: nothing blocks per process, so thousands of
 * silent processes cost no thread and no polling. Keeps each command's output in an OutputLog and
 * its record after it ends (killed ones too) until the retention time passes.
 */
export class ProcessManager {
  private readonly records = new Map<string, ProcessRecord>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: ProcessManagerOptions) {
    this.sweeper = setInterval(() => void this.forgetFinished(), Math.min(options.retentionMs, 60_000));
    this.sweeper.unref();
  }

  private logOptions(): OutputLogOptions {
    return { memoryEntries: 5000, memoryChars: 2_000_000, maxFileBytes: 20 * 1024 * 1024, keepFiles: 2, ...this.options.log };
  }

  /** Starts a command; throws TOO_MANY_REQUESTS past the per-user limit. */
  async start(owner: Owner, command: string, cwd: string, env: Record<string, string> = {}): Promise<ProcessRecord> {
    const running = [...this.records.values()].filter((r) => r.owner === owner.userKey && r.status === 'running').length;
    if (running >= this.options.maxRunningPerUser) {
      throw new ToolError('TOO_MANY_REQUESTS', `You have ${running} commands running (the limit); stop some with kill_process first.`);
    }
    await mkdir(this.options.logDir, { recursive: true, mode: 0o700 });
    const id = newProcessId();
    const launch = this.options.launch(command, owner, cwd);
    const fullEnv = { ...this.options.baseEnv, ...env };
    const record = this.options.mode === 'pty' ? this.startPty(id, command, owner, cwd, fullEnv, launch) : this.startPipe(id, command, owner, cwd, fullEnv, launch);
    this.records.set(id, record);
    return record;
  }

  private baseRecord(id: string, command: string, owner: Owner, pid: number, log: OutputLog, exited: Promise<void>, parts: Pick<ProcessRecord, 'write' | 'signalGroup'>): ProcessRecord {
    return { id, command, owner: owner.userKey, status: 'running', exitCode: null, signal: null, startedAt: Date.now(), endedAt: null, log, pid, exited, ...parts };
  }

  private finish(record: ProcessRecord, exitCode: number | null, signal: string | null): void {
    record.status = 'done';
    record.signal = signal;
    // A shell reports death by signal N as 128 + N; do the same so a model sees a number.
    record.exitCode = exitCode ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : null);
    record.endedAt = Date.now();
    // A PTY can deliver its last output just after the exit: keep the log open a moment for it.
    setTimeout(() => void record.log.close(), 1000).unref();
  }

  private startPty(id: string, command: string, owner: Owner, cwd: string, env: Record<string, string>, launch: Launch): ProcessRecord {
    let term: pty.IPty;
    const log = new OutputLog(join(this.options.logDir, `${id}.jsonl`), this.logOptions(), (paused) => (paused ? term.pause() : term.resume()));
    try {
      term = pty.spawn(launch.file, launch.args, { name: 'xterm-256color', cols: this.options.cols, rows: this.options.rows, cwd, env });
    } catch (err) {
      void log.close();
      throw new ToolError('INVALID_REQUEST', `The command could not start: ${(err as Error).message}`);
    }
    let resolveExit!: () => void;
    const exited = new Promise<void>((resolve) => (resolveExit = resolve));
    const record = this.baseRecord(id, command, owner, term.pid, log, exited, {
      write: (data) => term.write(data),
      signalGroup: (signal) => signalGroup(term.pid, signal),
    });
    term.onData((data) => log.append('output', data));
    keepFinalOutput(term, (data) => log.append('output', data));
    term.onExit(({ exitCode, signal }) => {
      const name = signal ? (Object.keys(SIGNAL_NUMBERS).find((k) => SIGNAL_NUMBERS[k] === signal) ?? `SIG${signal}`) : null;
      // One turn of the event loop first, so output already on its way is in the log when the
      // process is reported done (node-pty can report the exit before the last data event).
      setImmediate(() => {
        this.finish(record, signal ? null : exitCode, name);
        resolveExit();
      });
    });
    return record;
  }

  private startPipe(id: string, command: string, owner: Owner, cwd: string, env: Record<string, string>, launch: Launch): ProcessRecord {
    const child = spawnChild(launch.file, launch.args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const log = new OutputLog(join(this.options.logDir, `${id}.jsonl`), this.logOptions(), (paused) => {
      if (paused) {
        child.stdout!.pause();
        child.stderr!.pause();
      } else {
        child.stdout!.resume();
        child.stderr!.resume();
      }
    });
    let resolveExit!: () => void;
    const exited = new Promise<void>((resolve) => (resolveExit = resolve));
    const record = this.baseRecord(id, command, owner, child.pid ?? -1, log, exited, {
      write: (data) => child.stdin!.write(data),
      signalGroup: (signal) => child.pid && signalGroup(child.pid, signal),
    });
    child.stdin!.on('error', () => undefined);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => log.append('stdout', d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => log.append('stderr', d));
    child.on('error', (err) => log.append('stderr', `${err.message}\n`));
    child.on('close', (code, signal) => {
      this.finish(record, code, signal);
      resolveExit();
    });
    return record;
  }

  /** The owner's process; another user's id is answered like an unknown one. */
  get(owner: Owner, id: string): ProcessRecord {
    const record = isProcessId(id) ? this.records.get(id) : undefined;
    if (!record || record.owner !== owner.userKey) throw new ToolError('NOT_FOUND', 'Process not found');
    return record;
  }

  list(owner: Owner): ProcessRecord[] {
    return [...this.records.values()].filter((r) => r.owner === owner.userKey).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Process ids of the owner's running commands (roots of their process trees). */
  runningPids(owner: Owner): number[] {
    return this.list(owner).filter((r) => r.status === 'running').map((r) => r.pid);
  }

  /** Waits until the process ends, `seconds` pass, or the caller goes away. */
  async waitFor(record: ProcessRecord, seconds: number, signal?: AbortSignal): Promise<void> {
    if (record.status === 'done' || seconds <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      record.exited,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, seconds * 1000))),
      new Promise<void>((resolve) => {
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }

  input(owner: Owner, id: string, text: string): void {
    const record = this.get(owner, id);
    if (record.status !== 'running') throw new ToolError('INVALID_REQUEST', 'The process has ended; it takes no more input.');
    record.write(text);
  }

  /** Signals the whole process group; with force, SIGKILL at once. */
  async kill(owner: Owner, id: string, force: boolean): Promise<void> {
    const record = this.get(owner, id);
    if (record.status !== 'running') return;
    record.signalGroup(force ? 'SIGKILL' : 'SIGTERM');
    if (!force) {
      // A process that ignores SIGTERM is killed after a grace period.
      const stopped = await Promise.race([record.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
      if (!stopped) record.signalGroup('SIGKILL');
    }
    await Promise.race([record.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  /** A process's state and output in Open Terminal's shape. */
  async result(record: ProcessRecord, options: { offset?: number; tail?: number; maxChars: number }): Promise<ProcessResult> {
    const page = await record.log.page(options.offset ?? 0, options.tail, options.maxChars);
    return { id: record.id, command: record.command, status: record.status, exit_code: record.exitCode, ...page, log_path: record.log.path };
  }

  /** Forgets processes finished longer than the retention time ago, and removes their logs. */
  async forgetFinished(now = Date.now()): Promise<number> {
    let forgotten = 0;
    for (const record of this.records.values()) {
      if (record.endedAt !== null && now - record.endedAt > this.options.retentionMs) {
        this.records.delete(record.id);
        await record.log.remove();
        forgotten++;
      }
    }
    return forgotten;
  }

  /** Stops every running process (server stop). */
  async dispose(): Promise<void> {
    clearInterval(this.sweeper);
    const running = [...this.records.values()].filter((r) => r.status === 'running');
    for (const r of running) r.signalGroup('SIGKILL');
    await Promise.all(running.map((r) => Promise.race([r.exited, new Promise((res) => setTimeout(res, 2000))])));
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
