import { randomBytes } from 'node:crypto';
import * as pty from '@lydell/node-pty';
import { ToolError } from '@toolpack/shared';
import type { Launch, Owner } from '../processes/process-manager.js';

/** Something a terminal's output goes to (a websocket); several can watch one terminal. */
export interface TerminalClient {
  send(data: Buffer): void;
  close(code: number, reason: string): void;
}

export interface InteractiveTerminal {
  id: string;
  owner: string;
  createdAt: number;
  pid: number;
  term: pty.IPty;
  clients: Set<TerminalClient>;
  scrollback: Buffer[];
  scrollbackBytes: number;
  /** Set while nobody is attached: the terminal ends when it fires. */
  orphanTimer: NodeJS.Timeout | null;
}

export interface InteractiveOptions {
  maxPerUser: number;
  cols: number;
  rows: number;
  /** How long a terminal nobody is attached to survives (a dropped connection may come back). */
  graceMs: number;
  scrollbackBytes: number;
  launch: (owner: Owner, cwd: string) => Launch;
  env: Record<string, string>;
}

/**
 * Interactive shells for Open WebUI's terminal pane. A terminal outlives a dropped websocket for a
 * grace period; whoever attaches again first gets the recent scrollback.
 */
export class InteractiveTerminals {
  private readonly terminals = new Map<string, InteractiveTerminal>();

  constructor(private readonly options: InteractiveOptions) {}

  create(owner: Owner, cwd: string, home: string): InteractiveTerminal {
    const mine = this.list(owner).length;
    if (mine >= this.options.maxPerUser) {
      throw new ToolError('TOO_MANY_REQUESTS', `You have ${mine} terminals open (the limit); close one first.`);
    }
    // A prefix no Open WebUI session id has, so the two can never be confused.
    const id = `term-${randomBytes(9).toString('base64url')}`;
    const launch = this.options.launch(owner, cwd);
    const term = pty.spawn(launch.file, launch.args, { name: 'xterm-256color', cols: this.options.cols, rows: this.options.rows, cwd, env: { ...this.options.env, HOME: home } });
    const terminal: InteractiveTerminal = { id, owner: owner.userKey, createdAt: Date.now(), pid: term.pid, term, clients: new Set(), scrollback: [], scrollbackBytes: 0, orphanTimer: null };
    term.onData((text) => {
      const chunk = Buffer.from(text, 'utf8');
      terminal.scrollback.push(chunk);
      terminal.scrollbackBytes += chunk.length;
      while (terminal.scrollbackBytes > this.options.scrollbackBytes && terminal.scrollback.length > 1) {
        terminal.scrollbackBytes -= terminal.scrollback.shift()!.length;
      }
      for (const client of terminal.clients) client.send(chunk);
    });
    term.onExit(() => {
      for (const client of terminal.clients) client.close(1000, 'terminal exited');
      this.forget(terminal);
    });
    this.terminals.set(id, terminal);
    this.startOrphanTimer(terminal);
    return terminal;
  }

  private forget(terminal: InteractiveTerminal): void {
    if (terminal.orphanTimer) clearTimeout(terminal.orphanTimer);
    this.terminals.delete(terminal.id);
  }

  private startOrphanTimer(terminal: InteractiveTerminal): void {
    if (terminal.orphanTimer) clearTimeout(terminal.orphanTimer);
    terminal.orphanTimer = setTimeout(() => this.end(terminal), this.options.graceMs);
    terminal.orphanTimer.unref();
  }

  private end(terminal: InteractiveTerminal): void {
    this.forget(terminal);
    try {
      process.kill(-terminal.pid, 'SIGHUP');
    } catch {
      terminal.term.kill();
    }
  }

  list(owner: Owner): InteractiveTerminal[] {
    return [...this.terminals.values()].filter((t) => t.owner === owner.userKey);
  }

  pids(owner: Owner): number[] {
    return this.list(owner).map((t) => t.pid);
  }

  /** A terminal of the owner; another user's id is answered like an unknown one. */
  get(owner: Owner, id: string): InteractiveTerminal {
    const terminal = this.terminals.get(id);
    if (!terminal || terminal.owner !== owner.userKey) throw new ToolError('NOT_FOUND', 'Terminal not found');
    return terminal;
  }

  remove(owner: Owner, id: string): void {
    const terminal = this.get(owner, id);
    for (const client of terminal.clients) client.close(1000, 'terminal closed');
    this.end(terminal);
  }

  /** Attaches a client: it first gets the recent scrollback, then live output. */
  attach(terminal: InteractiveTerminal, client: TerminalClient): void {
    if (terminal.orphanTimer) clearTimeout(terminal.orphanTimer);
    terminal.orphanTimer = null;
    if (terminal.scrollback.length) client.send(Buffer.concat(terminal.scrollback));
    terminal.clients.add(client);
  }

  detach(terminal: InteractiveTerminal, client: TerminalClient): void {
    terminal.clients.delete(client);
    if (terminal.clients.size === 0 && this.terminals.has(terminal.id)) this.startOrphanTimer(terminal);
  }

  write(terminal: InteractiveTerminal, data: Buffer): void {
    terminal.term.write(data.toString('utf8'));
  }

  resize(terminal: InteractiveTerminal, cols: unknown, rows: unknown): void {
    const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 1000;
    if (ok(cols) && ok(rows)) terminal.term.resize(cols, rows);
  }

  dispose(): void {
    for (const terminal of [...this.terminals.values()]) this.end(terminal);
  }
}
