import { ToolError } from '@toolpack/shared';

export interface Replacement {
  target: string;
  replacement: string;
  start_line?: number;
  end_line?: number;
  allow_multiple?: boolean;
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Applies exact-text replacements in order. Each target must occur exactly once in its line range
 * unless allow_multiple; otherwise nothing is applied and the error says which edit failed and why.
 */
export function applyReplacements(text: string, replacements: readonly Replacement[]): string {
  let out = text;
  replacements.forEach((r, index) => {
    const which = replacements.length > 1 ? `Replacement ${index + 1}: ` : '';
    if (r.target === '') throw new ToolError('INVALID_REQUEST', `${which}target is empty.`);
    const starts = lineStartOffsets(out);
    const from = r.start_line ? (starts[r.start_line - 1] ?? out.length) : 0;
    const to = r.end_line ? (starts[r.end_line] ?? out.length) : out.length;
    const region = out.slice(from, to);
    const count = region.split(r.target).length - 1;
    if (count === 0) throw new ToolError('INVALID_REQUEST', `${which}target not found${r.start_line || r.end_line ? ' in the given lines' : ''}; nothing was changed. Read the file to copy the exact text.`);
    if (count > 1 && !r.allow_multiple) {
      throw new ToolError('INVALID_REQUEST', `${which}target occurs ${count} times; nothing was changed. Add surrounding text to make it unique, narrow it with start_line/end_line, or set allow_multiple.`);
    }
    out = out.slice(0, from) + region.split(r.target).join(r.replacement) + out.slice(to);
  });
  return out;
}
