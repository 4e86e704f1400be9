import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readApiKeys, readBool, readInt } from '../src/index.js';

describe('API keys from the environment', () => {
  it('reads one key, or several for rotation', () => {
    expect(readApiKeys({ FILES_API_KEY: 'abc' }, 'FILES')).toEqual({ keys: ['abc'], generated: false });
    expect(readApiKeys({ FILES_API_KEY: 'old, new' }, 'FILES').keys).toEqual(['old', 'new']);
  });

  it('reads a key file, trimming the final newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    await writeFile(join(dir, 'key'), 'from-file\n');
    expect(readApiKeys({ FILES_API_KEY_FILE: join(dir, 'key') }, 'FILES').keys).toEqual(['from-file']);
  });

  it('refuses to start when both the key and the key file are set', () => {
    expect(() => readApiKeys({ FILES_API_KEY: 'a', FILES_API_KEY_FILE: '/x' }, 'FILES')).toThrow(ConfigError);
    expect(() => readApiKeys({ FILES_API_KEY: 'a', FILES_API_KEY_FILE: '/x' }, 'FILES')).toThrow(/FILES_API_KEY or FILES_API_KEY_FILE, not both/);
  });

  it('says which file it cannot read', () => {
    expect(() => readApiKeys({ FILES_API_KEY_FILE: '/nonexistent/key' }, 'FILES')).toThrow(/cannot read \/nonexistent\/key \(ENOENT\)/);
  });

  it('generates a strong key when none is given, a new one each time', () => {
    const a = readApiKeys({}, 'FILES');
    const b = readApiKeys({}, 'FILES');
    expect(a.generated).toBe(true);
    expect(a.keys[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.keys[0]).not.toBe(b.keys[0]);
  });
});

describe('typed settings', () => {
  it('names the variable and the allowed range on a bad value', () => {
    expect(readInt({ P: '80' }, 'P', 1, { min: 0, max: 65535 })).toBe(80);
    expect(() => readInt({ P: 'eighty' }, 'P', 1, { min: 0, max: 65535 })).toThrow('P must be an integer between 0 and 65535, got "eighty".');
    expect(readBool({ B: 'yes' }, 'B', false)).toBe(true);
    expect(() => readBool({ B: 'maybe' }, 'B', false)).toThrow(/B must be true or false/);
  });
});
