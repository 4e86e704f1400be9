import { spawnSync } from 'node:child_process';
import { lstatSync, readlinkSync } from 'node:fs';
import type { Launch } from '../processes/process-manager.js';

export interface SandboxOptions {
  shell: string;
  /** Unprivileged ids the sandbox runs as when the server runs as root. */
  uid: number;
  gid: number;
}

/** True when bubblewrap (and, for a root server, setpriv) can be used here. */
export function sandboxAvailable(): boolean {
  const ok = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
  return ok('bwrap') && (process.getuid?.() !== 0 || ok('setpriv'));
}

/** The system directories, read-only; merged-/usr links (/bin -> usr/bin) recreated as links. */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt']) {
    let stat;
    try {
      stat = lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

/**
 * Runs each command in a bubblewrap sandbox: its own mount, PID, IPC and UTS namespaces, the system
 * read-only, a private /tmp, and of all user data only the user's home (at the same path, so paths
 * mean the same inside and out). A root server drops to an unprivileged uid first (setpriv), so
 * nothing outside the home is writable and root-only files (/etc/shadow) stay unreadable.
 * Network is shared (package installs work); ports are isolated by the proxy instead.
 */
export function createSandboxLauncher(options: SandboxOptions): (command: string | null, home: string, cwd: string) => Launch {
  const mounts = systemMounts();
  const asRoot = process.getuid?.() === 0;
  return (command, home, cwd) => {
    const bwrap = [
      '--die-with-parent',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--hostname',
      'sandbox',
      ...mounts,
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--tmpfs',
      '/run',
      '--tmpfs',
      '/var/tmp',
      '--bind',
      home,
      home,
      '--chdir',
      cwd,
      '--setenv',
      'HOME',
      home,
      '--',
      options.shell,
      ...(command === null ? [] : ['-c', command]),
    ];
    if (!asRoot) return { file: 'bwrap', args: bwrap };
    return { file: 'setpriv', args: [`--reuid=${options.uid}`, `--regid=${options.gid}`, '--clear-groups', '--', 'bwrap', ...bwrap] };
  };
}
