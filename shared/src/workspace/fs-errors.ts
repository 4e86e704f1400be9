import { ToolError } from '../errors.js';

/** Turns a Node fs error into a ToolError that names the user's path, never the host path. */
export function fsError(err: unknown, rel: string): Error {
  if (err instanceof ToolError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new ToolError('NOT_FOUND', `No such file or directory: ${rel}`);
    case 'ENOTDIR':
      return new ToolError('NOT_A_DIRECTORY', `A part of the path is not a directory: ${rel}`);
    case 'EISDIR':
      return new ToolError('IS_A_DIRECTORY', `${rel} is a directory.`);
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new ToolError('ALREADY_EXISTS', `${rel} already exists.`);
    case 'EACCES':
    case 'EPERM':
      return new ToolError('PERMISSION_DENIED', `Permission denied: ${rel}`);
    case 'ELOOP':
      return new ToolError('INVALID_PATH', `Too many symbolic links in ${rel}.`);
    case 'ENAMETOOLONG':
      return new ToolError('INVALID_PATH', `The path is too long: ${rel.slice(0, 80)}`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new ToolError('INSUFFICIENT_STORAGE', 'No space left in the workspace.');
    case 'EINVAL':
      return new ToolError('INVALID_REQUEST', `Invalid operation on ${rel}.`);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
