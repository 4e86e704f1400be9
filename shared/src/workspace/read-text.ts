import { ToolError } from '../errors.js';
import { capLines } from '../limits.js';
import { documentText, isDocument } from './documents.js';
import { eachLine, sniffText } from './text.js';
import type { Workspace } from './workspace.js';

export interface TextSlice {
  path: string;
  /** Lines in the file, or null when the file is too large to count in one call. */
  total_lines: number | null;
  start_line: number;
  end_line: number;
  content: string;
  truncated: boolean;
  /** Where to continue reading, or null at the end. */
  next_start_line: number | null;
}

/** Beyond this many bytes a read stops counting lines once it has what was asked. */
const COUNT_LIMIT_BYTES = 64 * 1024 * 1024;

/** The same slice taken from text already in memory (extracted from a document). */
function sliceText(path: string, text: string, start: number, end: number, maxChars: number): TextSlice {
  const lines = text.split(/\r?\n/);
  const wanted = lines.slice(start - 1, Math.min(end, lines.length));
  const capped = capLines(wanted, start, maxChars);
  const endLine = wanted.length ? capped.endLine : start - 1;
  const more = endLine < Math.min(end, lines.length) || capped.truncated;
  return { path, total_lines: lines.length, start_line: start, end_line: endLine, content: capped.content, truncated: more, next_start_line: more ? endLine + 1 : null };
}

/**
 * Reads lines `startLine..endLine` (1-based, inclusive) of a text file, at most `maxChars`
 * characters; says where to continue. PDF, Office and OpenDocument files give their extracted text.
 * Throws UNSUPPORTED_MEDIA_TYPE for other binary files.
 */
export async function readTextLines(
  workspace: Workspace,
  parts: readonly string[],
  options: { startLine?: number; endLine?: number; maxChars: number; signal?: AbortSignal },
): Promise<TextSlice> {
  const file = await workspace.openFile(parts);
  try {
    const start = Math.max(1, options.startLine ?? 1);
    const end = options.endLine ?? Number.MAX_SAFE_INTEGER;
    if (end < start) throw new ToolError('INVALID_REQUEST', 'end_line must not be smaller than start_line.');
    if (isDocument(file.name)) return sliceText(file.rel, await documentText(file), start, end, options.maxChars);
    if (!(await sniffText(file.handle))) {
      throw new ToolError('UNSUPPORTED_MEDIA_TYPE', `${file.rel} is a binary file; it cannot be read as text. Share it as a link instead.`);
    }
    const countAll = file.stat.size <= COUNT_LIMIT_BYTES;
    const wanted: string[] = [];
    let budget = options.maxChars + 1;
    let total = 0;
    let cut = false;
    await eachLine(file.handle, (line, n) => {
      total = n;
      if (n >= start && n <= end && !cut) {
        if (budget > 0) {
          wanted.push(line);
          budget -= line.length + 1;
        } else cut = true;
      }
      if (!countAll && (cut || n >= end)) return false;
    }, options.signal);
    const capped = capLines(wanted, start, options.maxChars);
    const lastWanted = Math.min(end, total);
    const endLine = wanted.length ? capped.endLine : start - 1;
    const more = endLine < lastWanted || capped.truncated || (!countAll && cut);
    return {
      path: file.rel,
      total_lines: countAll ? total : null,
      start_line: start,
      end_line: endLine,
      content: capped.content,
      truncated: more,
      next_start_line: more ? endLine + 1 : null,
    };
  } finally {
    await file.handle.close();
  }
}
