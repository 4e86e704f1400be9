const NAMED: Record<string, string> = { n: '\n', r: '\r', t: '\t', e: '\u001b', '0': '\0', '\\': '\\' };

/**
 * Turns the escape sequences a model writes as text into the keys they stand for: `\x03` (Ctrl-C),
 * `\u001b`, `\n`, `\r`, `\t`, `\e`, `\0`, and `\\` for one backslash. A backslash that starts no such
 * sequence is typed as it is, so `C:\Users` or a regex like `\d+` arrive unchanged.
 */
export function decodeInputEscapes(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[nrte0\\])/g, (_match, code: string) => {
    if (code[0] === 'x' || code[0] === 'u') return String.fromCharCode(parseInt(code.slice(1), 16));
    return NAMED[code]!;
  });
}
