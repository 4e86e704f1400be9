import picomatch from 'picomatch';
import safeRegex from 'safe-regex2';
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { ToolError } from '../errors.js';
import { eachLine, sniffText } from './text.js';
import { walk } from './walk.js';
import { entryType, type EntryType, type Workspace } from './workspace.js';

export interface GlobMatch {
  path: string;
  type: EntryType;
  size: number;
  modified: string;
}

export interface GlobOptions {
  exclude?: string;
  type?: 'any' | 'file' | 'directory';
  maxResults: number;
  signal?: AbortSignal;
}

/**
 * Finds paths under `parts` matching a glob (`**` for any depth; a pattern without `/` matches the
 * name at any depth). Paths come back relative to the workspace root.
 */
export async function globSearch(workspace: Workspace, pattern: string, parts: readonly string[], options: GlobOptions) {
  const base = parts.join('/');
  const isMatch = picomatch(pattern, { dot: true, basename: !pattern.includes('/') });
  const isExcluded = options.exclude ? picomatch(options.exclude, { dot: true, basename: !options.exclude.includes('/') }) : () => false;
  const matches: GlobMatch[] = [];
  const state = { visited: 0, truncated: false };
  for await (const entry of walk(workspace, parts, { signal: options.signal }, state)) {
    const below = base ? entry.rel.slice(base.length + 1) : entry.rel;
    const type = entryType(entry.stat);
    if (options.type === 'file' && type !== 'file') continue;
    if (options.type === 'directory' && type !== 'directory') continue;
    if (!isMatch(below) || isExcluded(below)) continue;
    if (matches.length >= options.maxResults) {
      state.truncated = true;
      break;
    }
    matches.push({ path: entry.rel, type, size: type === 'directory' ? 0 : entry.stat.size, modified: entry.stat.mtime.toISOString() });
  }
  return { matches, truncated: state.truncated };
}

export interface GrepMatch {
  file: string;
  line: number;
  content: string;
}

export interface GrepOptions {
  regex: boolean;
  caseInsensitive: boolean;
  include?: string;
  maxResults: number;
  /** Files larger than this are skipped. */
  maxFileBytes?: number;
  signal?: AbortSignal;
}

const MAX_PATTERN_CHARS = 1000;
const MAX_LINE_CHARS_TESTED = 10_000;
const MAX_LINE_CHARS_SHOWN = 400;

function compile(query: string, options: GrepOptions): RegExp {
  if (query.length === 0) throw new ToolError('INVALID_REQUEST', 'The search query is empty.');
  if (query.length > MAX_PATTERN_CHARS) throw new ToolError('INVALID_REQUEST', `The search query is longer than ${MAX_PATTERN_CHARS} characters.`);
  const source = options.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let re: RegExp;
  try {
    re = new RegExp(source, options.caseInsensitive ? 'i' : '');
  } catch (err) {
    throw new ToolError('INVALID_REQUEST', `Invalid regular expression: ${(err as Error).message}`);
  }
  // Nested quantifiers can backtrack for minutes on one line and would stall the whole server.
  if (options.regex && !safeRegex(re)) {
    throw new ToolError('INVALID_REQUEST', 'The regular expression has nested repetition (like (a+)+) and could run for very long; simplify it.');
  }
  return re;
}

/**
 * Searches the text files under `parts` line by line. Binary files, files over the size limit and
 * links are skipped; files with several hard links too (they may be outside files). Stops at
 * maxResults with `truncated`.
 */
export async function grepSearch(workspace: Workspace, query: string, parts: readonly string[], options: GrepOptions) {
  const re = compile(query, options);
  const include = options.include ? picomatch(options.include, { dot: true, basename: !options.include.includes('/') }) : undefined;
  const maxFileBytes = options.maxFileBytes ?? 20 * 1024 * 1024;
  const base = parts.join('/');
  const matches: GrepMatch[] = [];
  const state = { visited: 0, truncated: false };
  let single: string[] | undefined;
  const target = await workspace.stat(parts);
  if (target.type === 'file') single = parts.slice();

  const searchFile = async (path: string, rel: string) => {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
    if (!handle) return;
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.nlink > 1 || stat.size > maxFileBytes || !(await sniffText(handle))) return;
      await eachLine(handle, (line, n) => {
        if (!re.test(line.length > MAX_LINE_CHARS_TESTED ? line.slice(0, MAX_LINE_CHARS_TESTED) : line)) return;
        if (matches.length >= options.maxResults) {
          state.truncated = true;
          return false;
        }
        matches.push({ file: rel, line: n, content: line.length > MAX_LINE_CHARS_SHOWN ? `${line.slice(0, MAX_LINE_CHARS_SHOWN)}...` : line });
      }, options.signal);
    } finally {
      await handle.close();
    }
  };

  if (single) {
    const file = await workspace.openFile(single);
    await file.handle.close();
    const dir = await workspace.openDir(single.slice(0, -1));
    try {
      await searchFile(`${dir.proc}/${single[single.length - 1]}`, workspace.rel(single));
    } finally {
      await dir.handle.close();
    }
    return { matches, truncated: state.truncated };
  }
  for await (const entry of walk(workspace, parts, { signal: options.signal }, state)) {
    if (!entry.stat.isFile()) continue;
    const below = base ? entry.rel.slice(base.length + 1) : entry.rel;
    if (include && !include(below)) continue;
    await searchFile(`${entry.parentProc}/${entry.name}`, entry.rel);
    if (state.truncated) break;
  }
  return { matches, truncated: state.truncated };
}
