import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** Everything one execution produced, in the order the kernel sent it. */
export interface CellOutput {
  stdout: string;
  stderr: string;
  /** Characters dropped from stdout/stderr because the run printed too much. */
  droppedChars: number;
  /** execute_result and display_data bundles (mime type -> data). */
  displays: Record<string, unknown>[];
  error?: { ename: string; evalue: string; traceback: string[] };
  executionCount: number | null;
  /** How the run ended. */
  ending: 'done' | 'timeout' | 'died' | 'disconnected';
}

const DEAD_STATES = new Set<Kernel.Status>(['dead', 'autorestarting']);

/**
 * Runs code on a kernel and collects its output, keeping at most `keepChars` characters of each
 * stream. Ends when the kernel replies, when `timeoutMs` of wall time have passed (the caller then
 * interrupts or restarts; the run is left pending), or when the kernel dies.
 */
export async function runCell(
  kernel: Kernel.IKernelConnection,
  code: string,
  options: { timeoutMs: number; keepChars: number; internal?: boolean },
): Promise<{ output: CellOutput; finished: Promise<void> }> {
  const out: CellOutput = { stdout: '', stderr: '', droppedChars: 0, displays: [], executionCount: null, ending: 'done' };
  const append = (name: 'stdout' | 'stderr', text: string) => {
    const room = options.keepChars - out[name].length;
    if (room >= text.length) out[name] += text;
    else {
      out[name] += text.slice(0, Math.max(0, room));
      out.droppedChars += text.length - Math.max(0, room);
    }
  };

  // Internal set-up code stays out of the history and the execution count the user sees.
  const internal = options.internal ?? false;
  const future = kernel.requestExecute({ code, silent: internal, store_history: !internal, allow_stdin: false, stop_on_error: true }, true);
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    const content = msg.content as Record<string, any>;
    switch (msg.header.msg_type) {
      case 'stream':
        append(content.name === 'stderr' ? 'stderr' : 'stdout', String(content.text ?? ''));
        break;
      case 'execute_result':
      case 'display_data':
        out.displays.push(content.data ?? {});
        if (msg.header.msg_type === 'execute_result') out.executionCount = content.execution_count ?? null;
        break;
      case 'error':
        out.error = { ename: content.ename, evalue: content.evalue, traceback: content.traceback ?? [] };
        break;
      case 'clear_output':
        // A progress bar redrawing itself: keep only what comes after.
        out.stdout = '';
        out.stderr = '';
        out.displays = [];
        break;
    }
  };

  let onStatus: ((k: Kernel.IKernelConnection, s: Kernel.Status) => void) | undefined;
  let onConnection: ((k: Kernel.IKernelConnection, s: Kernel.ConnectionStatus) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ending = await Promise.race([
    future.done.then(
      (reply) => {
        const content = reply?.content as { execution_count?: number } | undefined;
        if (content?.execution_count !== undefined) out.executionCount = content.execution_count;
        return 'done' as const;
      },
      () => (DEAD_STATES.has(kernel.status) ? ('died' as const) : ('disconnected' as const)),
    ),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs))),
    new Promise<'died'>((resolve) => {
      onStatus = (_k, status) => DEAD_STATES.has(status) && resolve('died');
      kernel.statusChanged.connect(onStatus);
    }),
    new Promise<'disconnected'>((resolve) => {
      onConnection = (_k, status) => status === 'disconnected' && resolve('disconnected');
      kernel.connectionStatusChanged.connect(onConnection);
    }),
  ]);
  clearTimeout(timer);
  if (onStatus) kernel.statusChanged.disconnect(onStatus);
  if (onConnection) kernel.connectionStatusChanged.disconnect(onConnection);
  out.ending = ending;
  // Settles when the kernel finally answers this request (after an interrupt, say), or fails.
  const finished = future.done.then(
    () => undefined,
    () => undefined,
  );
  return { output: out, finished };
}

/** Waits up to `ms` for a kernel to report idle; true if it did. */
export async function waitIdle(kernel: Kernel.IKernelConnection, ms: number): Promise<boolean> {
  if (kernel.status === 'idle') return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      kernel.statusChanged.disconnect(onStatus);
      resolve(ok);
    };
    const onStatus = (_k: Kernel.IKernelConnection, s: Kernel.Status) => {
      if (s === 'idle') done(true);
    };
    const timer = setTimeout(() => done(false), ms);
    kernel.statusChanged.connect(onStatus);
  });
}
