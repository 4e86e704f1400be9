import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** The environment as main.ts hands it over; nothing else in the pack reads process.env. */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a secret from `NAME` or from the file named by `NAME_FILE` (trailing newline trimmed).
 * Throws ConfigError when both are set, or the file cannot be read or is empty.
 */
export function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct && file) throw new ConfigError(`Set ${name} or ${name}_FILE, not both.`);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    const value = text.replace(/\r?\n$/, '');
    if (!value) throw new ConfigError(`${name}_FILE: ${file} is empty.`);
    return value;
  }
  return direct || undefined;
}

export interface ApiKeys {
  keys: string[];
  /** True when no key was configured and one was generated for this run. */
  generated: boolean;
}

/**
 * API keys of a server from `<PREFIX>_API_KEY` or `<PREFIX>_API_KEY_FILE`. Several keys may be given,
 * separated by commas or newlines, so a key can be rotated without downtime. None given: one is
 * generated (the caller prints it once).
 */
export function readApiKeys(env: Env, prefix: string): ApiKeys {
  const raw = readSecret(env, `${prefix}_API_KEY`);
  const keys = (raw ?? '')
    .split(/[,\n]/)
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length > 0) return { keys, generated: false };
  return { keys: [generateKey()], generated: true };
}

/** A random URL-safe key with 256 bits of entropy. */
export function generateKey(): string {
  return randomBytes(32).toString('base64url');
}

/** An integer setting; throws ConfigError naming the variable when it is not a number in range. */
export function readInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return value;
}

/** A boolean setting: 1/true/yes/on or 0/false/no/off. */
export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}".`);
}

/** A comma-separated list setting. */
export function readList(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}
