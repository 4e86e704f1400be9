import { readdir, readFile, readlink } from 'node:fs/promises';

export interface ListeningPort {
  port: number;
  pid: number;
  process: string;
}

/** inode -> port of every TCP socket in LISTEN state (IPv4 and IPv6). */
async function listeningInodes(): Promise<Map<string, number>> {
  const byInode = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A') continue;
      const port = parseInt(fields[1]!.split(':')[1]!, 16);
      byInode.set(fields[9]!, port);
    }
  }
  return byInode;
}

/** Every process below the given roots (the roots included), from /proc's parent links. */
async function descendants(roots: readonly number[]): Promise<Map<number, string>> {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const pid = Number(entry);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    names.set(pid, stat.slice(stat.indexOf('(') + 1, close));
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found = new Map<number, string>();
  const queue = roots.filter((pid) => names.has(pid));
  while (queue.length) {
    const pid = queue.pop()!;
    if (found.has(pid)) continue;
    found.set(pid, names.get(pid) ?? '');
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * TCP ports listened on by the given processes or anything they started, read from /proc (Linux).
 * Used to show a user their own servers, and to let the proxy reach only those.
 */
export async function listeningPorts(roots: readonly number[]): Promise<ListeningPort[]> {
  if (roots.length === 0) return [];
  const [inodes, processes] = await Promise.all([listeningInodes(), descendants(roots)]);
  const ports = new Map<number, ListeningPort>();
  for (const [pid, name] of processes) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const port = inode ? inodes.get(inode) : undefined;
      if (port !== undefined && !ports.has(port)) ports.set(port, { port, pid, process: name });
    }
  }
  return [...ports.values()].sort((a, b) => a.port - b.port);
}
