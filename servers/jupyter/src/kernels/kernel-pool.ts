import { KernelAPI, KernelConnection, ServerConnection, type Kernel } from '@jupyterlab/services';
import { setTimeout as sleep } from 'node:timers/promises';
import { ToolError, type Logger } from '@toolpack/shared';
import type { KernelScope } from '../config.js';
import { runCell, waitIdle, type CellOutput } from './run-cell.js';

export interface KernelRecord {
  id: string;
  scopeKey: string;
  userKey: string;
  chatId: string | null;
  connection: Kernel.IKernelConnection;
  startedAt: number;
  lastUsed: number;
  executions: number;
  busy: boolean;
  /** Executions on one kernel run one after another; each waits for the previous one. */
  queue: Promise<unknown>;
}

export interface KernelInfo {
  kernel_id: string;
  chat_id: string | null;
  state: string;
  started_at: string;
  last_used_at: string;
  executions: number;
}

/** What happened to the kernel during one execution, besides the output. */
export type KernelFate = 'ok' | 'interrupted' | 'restarted' | 'died' | 'disconnected';

export interface Execution {
  output: CellOutput;
  fate: KernelFate;
  kernelId: string;
  /** The kernel was started for this call; `lost` says an earlier one of this chat was gone. */
  fresh: boolean;
  lost: boolean;
}

export interface PoolOptions {
  settings: ServerConnection.ISettings;
  kernelName: string;
  scope: KernelScope;
  maxPerUser: number;
  maxTotal: number;
  idleMs: number;
  /** The workspace directory of a user as the kernel sees it (its working directory). */
  cwdFor: (userKey: string) => string;
  log: Logger;
  /** How long an interrupted run may take to stop before the kernel is restarted. */
  interruptGraceMs?: number;
}

function isNetworkError(err: unknown): boolean {
  return err instanceof ServerConnection.NetworkError || (err as Error)?.name === 'TypeError';
}

function unavailable(err: unknown): ToolError {
  const detail = err instanceof ServerConnection.ResponseError ? ` (${err.response.status})` : '';
  return new ToolError('UNAVAILABLE', `Jupyter is not reachable right now${detail}; try again in a moment.`);
}

/**
 * @jupyterlab/services reconnects by itself after Jupyter auto-restarts a kernel, from a promise
 * chain nobody awaits; when the kernel is gone for good (we dispose it), that promise rejects
 * unhandled, which would stop the Node process. Reconnection failures are seen anyway through
 * connectionStatus (see alive()), so the rejection is dropped here.
 */
function guardReconnect(connection: KernelConnection): void {
  const reconnect = connection.reconnect.bind(connection);
  connection.reconnect = () => reconnect().catch(() => undefined);
}

/** Python run once in every new or restarted kernel: work in the user's workspace, inline figures. */
function initCode(cwd: string): string {
  const path = JSON.stringify(cwd);
  return [
    'import os as _tp_os',
    "_tp_os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')",
    `_tp_os.makedirs(${path}, exist_ok=True)`,
    `_tp_os.chdir(${path})`,
    'del _tp_os',
  ].join('\n');
}

/**
 * Warm kernels, one per user and chat (or per user), started on first use, kept until idle for
 * idleMs, and capped per user and in total. Knows nothing of HTTP: callers pass the user's key.
 */
export class KernelPool {
  private readonly records = new Map<string, KernelRecord>();
  private readonly starting = new Map<string, Promise<KernelRecord>>();
  private readonly cullTimer: NodeJS.Timeout;

  constructor(private readonly options: PoolOptions) {
    this.cullTimer = setInterval(() => void this.cullIdle(), Math.min(60_000, Math.max(1000, options.idleMs / 4)));
    this.cullTimer.unref();
  }

  private scopeKey(userKey: string, chatId: string | undefined): string {
    return `${userKey}\u0000${this.options.scope === 'chat' ? (chatId ?? '') : ''}`;
  }

  private countFor(userKey: string): number {
    let n = 0;
    for (const r of this.records.values()) if (r.userKey === userKey) n++;
    for (const key of this.starting.keys()) if (key.startsWith(`${userKey}\u0000`)) n++;
    return n;
  }

  private async start(userKey: string, chatId: string | undefined, scopeKey: string): Promise<KernelRecord> {
    if (this.countFor(userKey) >= this.options.maxPerUser) {
      throw new ToolError('TOO_MANY_REQUESTS', `You already have ${this.options.maxPerUser} Python kernels (the limit). Shut one down with shutdown_python_kernel, or wait until idle ones stop.`);
    }
    if (this.records.size + this.starting.size >= this.options.maxTotal) {
      throw new ToolError('TOO_MANY_REQUESTS', 'The server runs as many Python kernels as it may. Try again later.');
    }
    let model: Kernel.IModel;
    try {
      model = await KernelAPI.startNew({ name: this.options.kernelName }, this.options.settings);
    } catch (err) {
      this.options.log.warn({ err }, 'kernel start failed');
      throw unavailable(err);
    }
    const connection = new KernelConnection({ model, serverSettings: this.options.settings, handleComms: false });
    guardReconnect(connection);
    const now = Date.now();
    const record: KernelRecord = { id: model.id, scopeKey, userKey, chatId: chatId ?? null, connection, startedAt: now, lastUsed: now, executions: 0, busy: false, queue: Promise.resolve() };
    try {
      await this.initialise(record);
    } catch (err) {
      await this.discard(record);
      throw err;
    }
    this.options.log.info({ kernel: model.id, user: userKey }, 'kernel started');
    return record;
  }

  private async initialise(record: KernelRecord): Promise<void> {
    const { output } = await runCell(record.connection, initCode(this.options.cwdFor(record.userKey)), { timeoutMs: 30_000, keepChars: 2000, internal: true });
    if (output.ending !== 'done') throw new ToolError('UNAVAILABLE', 'The Python kernel did not start properly; try again.');
    if (output.error) this.options.log.warn({ kernel: record.id, error: output.error.evalue }, 'kernel set-up failed');
  }

  /** True if the kernel behind a record can still run code; asks Jupyter when the socket is down. */
  private async alive(record: KernelRecord): Promise<boolean> {
    const c = record.connection;
    if (c.isDisposed || c.status === 'dead') return false;
    if (c.connectionStatus === 'connected') return true;
    try {
      return (await KernelAPI.getKernelModel(record.id, this.options.settings)) !== undefined;
    } catch (err) {
      throw unavailable(err);
    }
  }

  private async discard(record: KernelRecord): Promise<void> {
    if (this.records.get(record.scopeKey) === record) this.records.delete(record.scopeKey);
    record.connection.dispose();
    await KernelAPI.shutdownKernel(record.id, this.options.settings).catch(() => undefined);
  }

  /** The kernel of a user's chat, started when there is none (or the previous one is gone). */
  async acquire(userKey: string, chatId: string | undefined): Promise<{ record: KernelRecord; fresh: boolean; lost: boolean }> {
    const scopeKey = this.scopeKey(userKey, chatId);
    const existing = this.records.get(scopeKey);
    let lost = false;
    if (existing) {
      if (await this.alive(existing)) return { record: existing, fresh: false, lost: false };
      lost = true;
      await this.discard(existing);
    }
    let pending = this.starting.get(scopeKey);
    if (!pending) {
      pending = this.start(userKey, chatId, scopeKey).finally(() => this.starting.delete(scopeKey));
      this.starting.set(scopeKey, pending);
      const record = await pending;
      this.records.set(scopeKey, record);
      return { record, fresh: true, lost };
    }
    return { record: await pending, fresh: true, lost };
  }

  /**
   * Runs code in the user's chat kernel within `timeoutMs` of wall time. On expiry the kernel is
   * interrupted (state kept); if it does not stop, it is restarted (state lost). A kernel that dies
   * or whose connection is lost is dropped, so the next call gets a fresh one.
   */
  async execute(userKey: string, chatId: string | undefined, code: string, options: { timeoutMs: number; keepChars: number }): Promise<Execution> {
    const { record, fresh, lost } = await this.acquire(userKey, chatId);
    const turn = record.queue.then(async () => {
      record.busy = true;
      try {
        return await this.runOnce(record, code, options);
      } finally {
        record.busy = false;
        record.lastUsed = Date.now();
        record.executions++;
      }
    });
    record.queue = turn.catch(() => undefined);
    const { output, fate } = await turn;
    return { output, fate, kernelId: record.id, fresh, lost };
  }

  private async runOnce(record: KernelRecord, code: string, options: { timeoutMs: number; keepChars: number }) {
    const { output, finished } = await runCell(record.connection, code, options);
    let fate: KernelFate = 'ok';
    if (output.ending === 'timeout') {
      await record.connection.interrupt().catch(() => undefined);
      const stopped = await Promise.race([finished.then(() => true), sleep(this.options.interruptGraceMs ?? 3000).then(() => false)]);
      fate = stopped ? 'interrupted' : 'restarted';
      if (!stopped) {
        try {
          await record.connection.restart();
          await waitIdle(record.connection, 30_000);
          await this.initialise(record);
        } catch (err) {
          this.options.log.warn({ err, kernel: record.id }, 'restart after timeout failed; dropping the kernel');
          await this.discard(record);
        }
      }
    } else if (output.ending === 'died' || output.ending === 'disconnected') {
      fate = output.ending;
      await this.discard(record);
    }
    return { output, fate };
  }

  private ownRecord(userKey: string, kernelId: string | undefined, chatId: string | undefined): KernelRecord {
    const record = kernelId
      ? [...this.records.values()].find((r) => r.id === kernelId && r.userKey === userKey)
      : this.records.get(this.scopeKey(userKey, chatId));
    // Another user's kernel id is answered exactly like an unknown one.
    if (!record) throw new ToolError('NOT_FOUND', kernelId ? `No kernel ${kernelId} of yours is running.` : 'No Python kernel is running for this chat.');
    return record;
  }

  /** The user's kernels, newest first. */
  list(userKey: string): KernelInfo[] {
    return [...this.records.values()]
      .filter((r) => r.userKey === userKey)
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((r) => ({
        kernel_id: r.id,
        chat_id: r.chatId,
        state: r.busy ? 'busy' : r.connection.status,
        started_at: new Date(r.startedAt).toISOString(),
        last_used_at: new Date(r.lastUsed).toISOString(),
        executions: r.executions,
      }));
  }

  /** Restarts a kernel of the user (state lost), waiting for it to be ready. */
  async restart(userKey: string, kernelId: string | undefined, chatId: string | undefined): Promise<KernelInfo> {
    const record = this.ownRecord(userKey, kernelId, chatId);
    try {
      await record.connection.restart();
      await waitIdle(record.connection, 30_000);
    } catch (err) {
      if (isNetworkError(err) || err instanceof ServerConnection.ResponseError) throw unavailable(err);
      throw err;
    }
    await this.initialise(record);
    record.lastUsed = Date.now();
    return this.list(userKey).find((k) => k.kernel_id === record.id)!;
  }

  /** Shuts a kernel of the user down. */
  async shutdown(userKey: string, kernelId: string | undefined, chatId: string | undefined): Promise<{ kernel_id: string }> {
    const record = this.ownRecord(userKey, kernelId, chatId);
    await this.discard(record);
    return { kernel_id: record.id };
  }

  /** Stops kernels unused for idleMs (never one that is running code). */
  async cullIdle(now = Date.now()): Promise<number> {
    const idle = [...this.records.values()].filter((r) => !r.busy && now - r.lastUsed >= this.options.idleMs);
    await Promise.all(idle.map((r) => this.discard(r)));
    if (idle.length) this.options.log.info({ count: idle.length }, 'idle kernels stopped');
    return idle.length;
  }

  get size(): number {
    return this.records.size;
  }

  /** Shuts every kernel down (server stop). */
  async dispose(): Promise<void> {
    clearInterval(this.cullTimer);
    await Promise.all([...this.records.values()].map((r) => this.discard(r)));
  }
}
