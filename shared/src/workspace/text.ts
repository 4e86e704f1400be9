import type { FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';

const SNIFF_BYTES = 8192;

/** True when the bytes look like text: no NUL and valid UTF-8 (a cut character at the end is fine). */
export function looksLikeText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Reads the first bytes of an open file to tell text from binary. */
export async function sniffText(handle: FileHandle): Promise<boolean> {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
  return looksLikeText(buffer.subarray(0, bytesRead));
}

/**
 * Streams the lines of an open file, calling `onLine` with 1-based numbers; `onLine` returns false to
 * stop early. Reads through the descriptor, never the path, and leaves the handle open.
 */
export async function eachLine(handle: FileHandle, onLine: (line: string, n: number) => boolean | void, signal?: AbortSignal): Promise<void> {
  const stream = handle.createReadStream({ start: 0, autoClose: false, encoding: 'utf8', signal });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (onLine(line, n) === false) break;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
