import { spawnSync } from 'node:child_process';
import { arch, hostname, release, type, userInfo } from 'node:os';

export interface SystemFacts {
  os: string;
  kernel: string;
  arch: string;
  hostname: string;
  user: string;
  shell: string;
  python_version: string;
  home: string;
}

let pythonVersion: string | undefined;

function detectPython(): string {
  pythonVersion ??= (() => {
    const r = spawnSync('python3', ['--version'], { encoding: 'utf8', timeout: 3000 });
    return r.status === 0 ? (r.stdout || r.stderr).trim().replace(/^Python /, '') : 'not installed';
  })();
  return pythonVersion;
}

function osName(): string {
  const r = spawnSync('sh', ['-c', '. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"'], { encoding: 'utf8', timeout: 3000 });
  return r.stdout.trim() || type();
}

/** Facts about the machine commands run on (checked once, except home which is per user). */
export function systemFacts(shell: string, home: string): SystemFacts {
  return { os: osName(), kernel: `${type()} ${release()}`, arch: arch(), hostname: hostname(), user: userInfo().username, shell, python_version: detectPython(), home };
}

const DEFAULT_TEMPLATE = [
  'You have a terminal on a real computer: {{os}} ({{kernel}}, {{arch}}), user {{user}}, shell {{shell}},',
  'Python {{python_version}}, home directory {{home}}.',
  'Use run_command to run shell commands; pass wait to get the result in the same call, and use',
  'get_process_status for long-running ones. Prefer the file tools (read_file, write_file,',
  'replace_file_content, grep_search, glob_search) over cat/sed for files. Show files to the user',
  'with display_file. Install what you need with the package managers available.',
].join(' ');

/** The system prompt: the admin's template or the default, with {{placeholders}} filled in. */
export function renderSystemPrompt(template: string | undefined, facts: SystemFacts): string {
  return (template ?? DEFAULT_TEMPLATE).replace(/\{\{(\w+)\}\}/g, (m, key: string) => (key in facts ? facts[key as keyof SystemFacts] : m));
}
