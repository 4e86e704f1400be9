import { randomBytes } from 'node:crypto';

/** Ids as Open Terminal makes them: `YYYYMMDD-HHMMSS-xxxxxx` (UTC time, 6 random hex digits). */
export function newProcessId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** True for strings shaped like a process id (anything else cannot name a log file). */
export function isProcessId(id: string): boolean {
  return /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(id);
}
