import { NodeHtmlMarkdown } from 'node-html-markdown';
import { capText } from '@toolpack/shared';
import type { CellOutput } from './run-cell.js';
import type { KernelFate } from './kernel-pool.js';

export interface ImageOutput {
  mime: 'image/png' | 'image/jpeg' | 'image/svg+xml';
  data: Buffer;
}

export interface FormattedCell {
  status: 'success' | 'error';
  stdout: string;
  stderr: string;
  result: string;
  error: { ename: string; evalue: string; traceback: string } | null;
  execution_count: number | null;
  truncated: boolean;
  notes: string[];
  /** Images to save and link (not part of the JSON answer as bytes). */
  images: ImageOutput[];
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
const html = new NodeHtmlMarkdown();

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The most readable text of a rich output bundle, or undefined when it has none. */
function textOf(bundle: Record<string, unknown>): string | undefined {
  if (typeof bundle['text/markdown'] === 'string') return bundle['text/markdown'];
  // pandas and most libraries give a plain-text rendering beside their HTML: it reads best, unless
  // it is only Python's default "<... object>" stand-in.
  const plain = bundle['text/plain'];
  const placeholder = typeof plain === 'string' && /^<[\w.]+ object( at 0x[0-9a-f]+)?>$/.test(plain);
  if (typeof plain === 'string' && !placeholder && !IMAGE_TYPES.some((t) => t in bundle)) return plain;
  if (typeof bundle['text/html'] === 'string') return html.translate(bundle['text/html']).trim();
  if (bundle['application/json'] !== undefined) return JSON.stringify(bundle['application/json']);
  return undefined;
}

function imagesOf(bundle: Record<string, unknown>): ImageOutput[] {
  for (const mime of IMAGE_TYPES) {
    const data = bundle[mime];
    if (typeof data !== 'string') continue;
    return [{ mime, data: mime === 'image/svg+xml' ? Buffer.from(data) : Buffer.from(data, 'base64') }];
  }
  return [];
}

const FATE_NOTES: Record<KernelFate, (seconds: number) => string | undefined> = {
  ok: () => undefined,
  interrupted: (s) => `Stopped after ${s} s (the time limit); the kernel was interrupted and keeps its variables.`,
  restarted: (s) => `Stopped after ${s} s (the time limit); the code ignored the interrupt, so the kernel was restarted: variables and imports are lost.`,
  died: () => 'The Python kernel died during execution (os._exit, a crash or out of memory); its state is lost. The next call starts a fresh kernel.',
  disconnected: () => 'The connection to Jupyter was lost during execution; the state of this kernel is lost. The next call starts a fresh kernel.',
};

/**
 * Turns a cell's raw output into the answer of execute_python: Open WebUI's shape
 * (`status`, `stdout`, `stderr`, `result`) plus a readable `error` and notes on what happened.
 */
export function formatCell(output: CellOutput, fate: KernelFate, options: { maxChars: number; timeoutSeconds: number }): FormattedCell {
  const texts: string[] = [];
  const images: ImageOutput[] = [];
  for (const bundle of output.displays) {
    images.push(...imagesOf(bundle));
    const text = textOf(bundle);
    if (text) texts.push(text);
  }
  const stdout = capText(output.stdout, options.maxChars);
  const stderr = capText(output.stderr, options.maxChars);
  const result = capText(texts.join('\n'), options.maxChars);
  const notes: string[] = [];
  // What happened to the kernel is told in `error`, where a model looks first.
  const fateNote = FATE_NOTES[fate](options.timeoutSeconds);
  if (output.stderr.includes('IOPub data rate exceeded')) notes.push('The code printed faster than Jupyter forwards output, so part of it was dropped; print less, or write big output to a file.');
  if (output.droppedChars > 0) notes.push(`The code printed ${output.droppedChars} more characters than shown; print less, or write big output to a file.`);

  let error = output.error
    ? { ename: output.error.ename, evalue: output.error.evalue, traceback: capText(stripAnsi(output.error.traceback.join('\n')), options.maxChars).text }
    : null;
  if (output.error?.ename === 'StdinNotImplementedError') {
    error = { ...error!, evalue: 'input() is not available: code runs without a keyboard. Put the values in the code instead.' };
  }
  if (fate === 'interrupted' || fate === 'restarted') {
    error = { ename: 'TimeoutError', evalue: fateNote!, traceback: error?.traceback ?? '' };
  } else if (fate === 'died' || fate === 'disconnected') {
    error = { ename: fate === 'died' ? 'KernelDied' : 'KernelDisconnected', evalue: fateNote!, traceback: '' };
  }
  return {
    status: error ? 'error' : 'success',
    stdout: stdout.text,
    stderr: stderr.text,
    result: result.text,
    error,
    execution_count: output.executionCount,
    truncated: stdout.truncated || stderr.truncated || result.truncated || output.droppedChars > 0,
    notes,
    images,
  };
}
