import { publicBaseUrl, ToolError, type Handlers } from '@toolpack/shared';
import type { JupyterDeps } from '../deps.js';
import { formatCell } from '../kernels/format-result.js';
import { saveImages } from '../kernels/save-images.js';

const LOST_NOTE = 'The earlier Python session of this chat was gone (Jupyter restarted or the kernel stopped); this ran in a fresh kernel, so earlier variables are not defined.';

/** execute_python and the kernel tools: list, restart, shut down. */
export function pythonHandlers({ config, pool, workspaces, signer }: JupyterDeps): Handlers {
  return {
    async execute_python(input, call) {
      const code = String(input.code ?? '');
      if (!code.trim()) throw new ToolError('INVALID_REQUEST', 'code is empty: pass the Python code to run.');
      const timeoutSeconds = input.timeout ?? config.defaultTimeoutSeconds;
      if (timeoutSeconds > config.maxTimeoutSeconds) {
        throw new ToolError('INVALID_REQUEST', `timeout may be at most ${config.maxTimeoutSeconds} seconds.`);
      }
      const { workspace, key } = await workspaces.forIdentity(call.identity);
      const run = await pool.execute(key, call.identity?.chatId, code, { timeoutMs: timeoutSeconds * 1000, keepChars: config.maxOutputChars * 2 });
      const cell = formatCell(run.output, run.fate, { maxChars: config.maxOutputChars, timeoutSeconds });
      const images = await saveImages(cell.images, {
        workspace,
        key,
        signer,
        baseUrl: publicBaseUrl(config.publicUrl, call.req),
        ttlMinutes: config.linkTtlMinutes,
      });
      const notes = run.lost ? [LOST_NOTE, ...cell.notes] : cell.notes;
      if (images.length) notes.push('Show the figures to the user by putting their markdown lines in your answer.');
      return {
        status: cell.status,
        stdout: cell.stdout,
        stderr: cell.stderr,
        result: cell.result,
        error: cell.error,
        images: images.map((i) => ({ path: i.path, url: i.url, markdown: i.markdown })),
        execution_count: cell.execution_count,
        kernel_id: run.kernelId,
        truncated: cell.truncated,
        notes,
      };
    },

    async list_python_kernels(_input, call) {
      const key = workspaces.keyFor(call.identity);
      return { scope: config.scope, limit_per_user: config.maxKernelsPerUser, kernels: pool.list(key) };
    },

    async restart_python_kernel(input, call) {
      const key = workspaces.keyFor(call.identity);
      return pool.restart(key, input.kernel_id, call.identity?.chatId);
    },

    async shutdown_python_kernel(input, call) {
      const key = workspaces.keyFor(call.identity);
      return { ...(await pool.shutdown(key, input.kernel_id, call.identity?.chatId)), status: 'shut down' };
    },
  };
}
