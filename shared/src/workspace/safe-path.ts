import { ToolError } from '../errors.js';

export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4096;

/**
 * Turns a path given by a user or model into components below the workspace root, by string alone.
 * Relative paths are taken from the root; absolute ones must lie under the root's real path.
 * Throws INVALID_PATH (NUL, over-long) or PATH_OUTSIDE_WORKSPACE (`..` past the root, absolute
 * outside). Links are checked later, at open time (see WorkspaceFs).
 */
export function splitUserPath(input: unknown, rootReal: string): string[] {
  if (typeof input !== 'string') throw new ToolError('INVALID_PATH', 'The path must be a string.');
  if (input.includes('\0')) throw new ToolError('INVALID_PATH', 'The path contains a NUL byte.');
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) throw new ToolError('INVALID_PATH', 'The path is too long.');
  let rest = input.trim() === '' ? '.' : input;
  if (rest.startsWith('/')) {
    const prefix = rootReal.endsWith('/') ? rootReal : `${rootReal}/`;
    if (rest === rootReal || rest.startsWith(prefix)) rest = rest.slice(prefix.length - 1);
    else throw outside(input);
  }
  const parts: string[] = [];
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw outside(input);
      parts.pop();
      continue;
    }
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) {
      throw new ToolError('INVALID_PATH', `The name "${part.slice(0, 40)}..." is longer than ${MAX_NAME_BYTES} bytes.`);
    }
    parts.push(part);
  }
  return parts;
}

function outside(input: string): ToolError {
  return new ToolError('PATH_OUTSIDE_WORKSPACE', `"${input}" is outside your workspace; use a path relative to its root.`);
}

/** True when `real` is `root` or inside it. */
export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith('/') ? root : `${root}/`);
}
