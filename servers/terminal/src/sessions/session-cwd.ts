/**
 * The working directory of each session (Open WebUI's X-Session-Id, the chat id) of each user,
 * forgotten after `ttlMs` without use. Without a session id, the user's home is the cwd.
 */
export class SessionCwds {
  private readonly entries = new Map<string, { cwd: string; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  private key(userKey: string, sessionId: string): string {
    return `${userKey}\u0000${sessionId}`;
  }

  get(userKey: string, sessionId: string | undefined, home: string, now = Date.now()): string {
    if (!sessionId) return home;
    const key = this.key(userKey, sessionId);
    const entry = this.entries.get(key);
    if (!entry || entry.expires < now) {
      this.entries.delete(key);
      return home;
    }
    entry.expires = now + this.ttlMs;
    return entry.cwd;
  }

  set(userKey: string, sessionId: string | undefined, cwd: string, now = Date.now()): void {
    if (!sessionId) return;
    if (this.entries.size > 50_000) this.prune(now);
    this.entries.set(this.key(userKey, sessionId), { cwd, expires: now + this.ttlMs });
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expires < now) this.entries.delete(key);
  }
}
