import { ConfigError, readBool, readInt, readServerConfig, type Env, type ServerConfig } from '@toolpack/shared';
import type { OutputMode } from './processes/process-manager.js';

export interface TerminalConfig extends ServerConfig {
  /** Identity required; each user confined to their own home (see README). */
  multiUser: boolean;
  mode: OutputMode;
  cols: number;
  rows: number;
  shell: string;
  /** Seconds run_command waits when the call gives no wait (0 = return at once). */
  defaultWait: number;
  maxOutputChars: number;
  maxRunningPerUser: number;
  retentionMinutes: number;
  sessionTtlMinutes: number;
  maxUploadBytes: number;
  /** Text of get_info; the tool is offered only when it is set. */
  info?: string;
  /** Template overriding the /system prompt ({{os}}, {{arch}}, {{user}}, ...). */
  systemPrompt?: string;
  maxTerminals: number;
  /** How long an interactive terminal waits for a dropped websocket to come back. */
  terminalGraceSeconds: number;
  /** Time a terminal websocket has to send its auth message. */
  wsAuthTimeoutSeconds: number;
  /** Unprivileged ids sandboxed commands run as (multi-user mode, server running as root). */
  sandboxUid: number;
  sandboxGid: number;
}

/**
 * Reads the terminal's settings. They use Open Terminal's names (OPEN_TERMINAL_API_KEY, ...), so an
 * admin can swap servers without renaming anything.
 */
export function readTerminalConfig(env: Env): TerminalConfig {
  const mode = (env.OPEN_TERMINAL_OUTPUT_MODE ?? 'pty') as OutputMode;
  if (mode !== 'pty' && mode !== 'pipe') throw new ConfigError('OPEN_TERMINAL_OUTPUT_MODE must be "pty" or "pipe".');
  const multiUser = readBool(env, 'OPEN_TERMINAL_MULTI_USER', false);
  const common = readServerConfig(env, 'OPEN_TERMINAL', 8000);
  return {
    ...common,
    requireIdentity: common.requireIdentity || multiUser,
    multiUser,
    mode,
    cols: readInt(env, 'OPEN_TERMINAL_COLS', 80, { min: 10, max: 1000 }),
    rows: readInt(env, 'OPEN_TERMINAL_ROWS', 24, { min: 5, max: 1000 }),
    shell: env.OPEN_TERMINAL_SHELL ?? '/bin/bash',
    defaultWait: readInt(env, 'OPEN_TERMINAL_DEFAULT_WAIT', 0, { min: 0, max: 300 }),
    maxOutputChars: readInt(env, 'OPEN_TERMINAL_MAX_OUTPUT_CHARS', 50_000, { min: 1000 }),
    maxRunningPerUser: readInt(env, 'OPEN_TERMINAL_MAX_PROCESSES', 1000, { min: 1 }),
    retentionMinutes: readInt(env, 'OPEN_TERMINAL_RETENTION_MINUTES', 24 * 60, { min: 1 }),
    sessionTtlMinutes: readInt(env, 'OPEN_TERMINAL_SESSION_TTL_MINUTES', 24 * 60, { min: 1 }),
    maxUploadBytes: readInt(env, 'OPEN_TERMINAL_MAX_UPLOAD_MB', 2048, { min: 1 }) * 1024 * 1024,
    info: env.OPEN_TERMINAL_INFO || undefined,
    systemPrompt: env.OPEN_TERMINAL_SYSTEM_PROMPT || undefined,
    maxTerminals: readInt(env, 'OPEN_TERMINAL_MAX_TERMINALS', 16, { min: 1 }),
    terminalGraceSeconds: readInt(env, 'OPEN_TERMINAL_TERMINAL_GRACE_SECONDS', 60, { min: 1 }),
    wsAuthTimeoutSeconds: readInt(env, 'OPEN_TERMINAL_WS_AUTH_TIMEOUT_SECONDS', 10, { min: 1, max: 300 }),
    sandboxUid: readInt(env, 'OPEN_TERMINAL_SANDBOX_UID', 65534, { min: 1 }),
    sandboxGid: readInt(env, 'OPEN_TERMINAL_SANDBOX_GID', 65534, { min: 1 }),
  };
}

/** Prefixes of the pack's own settings: none of them reaches a command's environment. */
const SERVER_PREFIXES = ['OPEN_TERMINAL_', 'FILES_', 'JUPYTER_', 'TOOLPACK_', 'FORWARD_USER_INFO_', 'PACK_'];

/** The environment commands start from: the server's, less every setting (and secret) of the pack. */
export function commandEnvironment(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || SERVER_PREFIXES.some((p) => key.startsWith(p)) || key === 'LOG_LEVEL') continue;
    out[key] = value;
  }
  out.TERM = 'xterm-256color';
  return out;
}
