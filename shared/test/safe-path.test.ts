import { describe, expect, it } from 'vitest';
import { splitUserPath, workspaceKey } from '../src/index.js';

const root = '/srv/data/users/u1';

describe('splitUserPath', () => {
  it.each([
    ['.', []],
    ['', []],
    ['a/b/../c', ['a', 'c']],
    ['./a//b/', ['a', 'b']],
    [`${root}/x/y`, ['x', 'y']],
    [root, []],
    ['..a/b..', ['..a', 'b..']],
  ])('%j resolves inside', (input, parts) => {
    expect(splitUserPath(input, root)).toEqual(parts);
  });

  it.each(['..', '../x', 'a/../../x', '/etc/passwd', '/srv/data/users/u10/x', `${root}/../u2`])('%j is outside', (input) => {
    expect(() => splitUserPath(input, root)).toThrow(/outside your workspace/);
  });

  it('takes every absolute path as inside when the root is /', () => {
    expect(splitUserPath('/etc/hosts', '/')).toEqual(['etc', 'hosts']);
    expect(splitUserPath('/', '/')).toEqual([]);
    expect(() => splitUserPath('/../..', '/')).toThrow(/outside/);
  });

  it('rejects NUL bytes, over-long names and non-strings', () => {
    expect(() => splitUserPath('a\0b', root)).toThrow(/NUL/);
    expect(() => splitUserPath('x'.repeat(256), root)).toThrow(/longer than 255 bytes/);
    expect(() => splitUserPath('é'.repeat(128), root)).toThrow(/longer than 255 bytes/);
    expect(() => splitUserPath('a/'.repeat(2100), root)).toThrow(/too long/);
    expect(() => splitUserPath(42, root)).toThrow(/must be a string/);
  });
});

describe('workspaceKey', () => {
  it('keeps UUID-like ids readable and hashes anything else so it cannot name . or ..', () => {
    expect(workspaceKey('3f2b-9a_X')).toBe('3f2b-9a_X');
    for (const odd of ['..', '.', 'a/b', 'Ünïcode', 'x'.repeat(200)]) expect(workspaceKey(odd)).toMatch(/^h\.[0-9a-f]{40}$/);
    expect(workspaceKey('a/b')).not.toBe(workspaceKey('a/c'));
  });
});
