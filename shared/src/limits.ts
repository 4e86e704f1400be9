/** Default cap on the text a tool returns in one response (characters). Open WebUI has no cap of its own. */
export const DEFAULT_MAX_OUTPUT_CHARS = 50_000;

export interface CappedText {
  text: string;
  truncated: boolean;
  /** Characters left out at the end. */
  omitted: number;
}

/** Cuts text to at most `maxChars` characters and marks the cut so a reader sees it. */
export function capText(text: string, maxChars: number): CappedText {
  if (text.length <= maxChars) return { text, truncated: false, omitted: 0 };
  const omitted = text.length - maxChars;
  return { text: `${text.slice(0, maxChars)}\n[... truncated: ${omitted} more characters]`, truncated: true, omitted };
}

export interface Page<T> {
  items: T[];
  total: number;
  truncated: boolean;
  /** The offset that fetches the next page, or null when this was the last. */
  next_offset: number | null;
}

/** One page of a list, with what the caller needs to ask for the next one. */
export function pageOf<T>(all: readonly T[], offset: number, limit: number): Page<T> {
  const items = all.slice(offset, offset + limit);
  const end = offset + items.length;
  const more = end < all.length;
  return { items, total: all.length, truncated: more, next_offset: more ? end : null };
}

export interface CappedLines {
  content: string;
  /** 1-based number of the last line included. */
  endLine: number;
  truncated: boolean;
}

/**
 * Joins lines starting at index 0 until adding the next would pass `maxChars`; always includes at
 * least part of the first line so a huge single line still makes progress.
 */
export function capLines(lines: readonly string[], firstLineNumber: number, maxChars: number): CappedLines {
  let used = 0;
  let count = 0;
  for (const line of lines) {
    const cost = line.length + 1;
    if (used + cost > maxChars && count > 0) break;
    used += cost;
    count += 1;
    if (used > maxChars) break;
  }
  const taken = lines.slice(0, count);
  let content = taken.join('\n');
  let truncated = count < lines.length;
  if (content.length > maxChars) {
    content = capText(content, maxChars).text;
    truncated = true;
  }
  return { content, endLine: firstLineNumber + count - 1, truncated };
}
