import { describe, expect, it } from 'vitest';
import { SessionCwds } from '../src/sessions/session-cwd.js';

describe('session working directories', () => {
  it('are kept per user and session, and forgotten after the TTL without use (sliding)', () => {
    const cwds = new SessionCwds(1000);
    cwds.set('alice', 's1', '/home/alice/proj', 0);
    expect(cwds.get('alice', 's1', '/home/alice', 500)).toBe('/home/alice/proj');
    // Used at 500, so it lives until 1500.
    expect(cwds.get('alice', 's1', '/home/alice', 1400)).toBe('/home/alice/proj');
    expect(cwds.get('bob', 's1', '/home/bob', 1400)).toBe('/home/bob');
    expect(cwds.get('alice', undefined, '/home/alice', 1400)).toBe('/home/alice');
    expect(cwds.get('alice', 's1', '/home/alice', 2500)).toBe('/home/alice');
  });
});
