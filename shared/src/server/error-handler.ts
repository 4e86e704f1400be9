import type { ErrorRequestHandler, Response } from 'express';
import { ToolError, type ErrorCode, ERROR_STATUS } from '../errors.js';
import type { Logger } from '../log.js';

/** The one error body of the pack: `detail` as Open Terminal (FastAPI) has it, plus a stable code. */
export function sendError(res: Response, code: ErrorCode, detail: string): void {
  res.status(ERROR_STATUS[code]).json({ detail, code });
}

/** Maps errors thrown by express's own parsers and by multer to our codes. */
function fromFrameworkError(err: unknown): ToolError | undefined {
  const e = err as { type?: string; code?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large') return new ToolError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
  if (e.type === 'entity.parse.failed') return new ToolError('INVALID_REQUEST', 'The request body is not valid JSON.');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new ToolError('UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported.');
  }
  if (e.code === 'LIMIT_FILE_SIZE') return new ToolError('PAYLOAD_TOO_LARGE', 'The upload is larger than the allowed size.');
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_')) return new ToolError('INVALID_REQUEST', `Upload refused: ${e.message}.`);
  if (e.message === 'Unexpected end of form' || e.message === 'Multipart: Boundary not found') {
    return new ToolError('INVALID_REQUEST', 'The upload is not a complete multipart/form-data body.');
  }
  return undefined;
}

/**
 * The final middleware: typed errors become short JSON answers; anything else is logged with the
 * request id and answered with a generic 500, never a stack trace. A response already streaming is
 * cut off instead (the client sees a broken transfer, not a corrupt success).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof ToolError ? err : fromFrameworkError(err);
    const requestId = String(res.getHeader('x-request-id') ?? '');
    if (!known) logger.error({ err, requestId, method: req.method, url: req.path }, 'unhandled error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (known) sendError(res, known.code, known.message);
    else sendError(res, 'INTERNAL', `Internal error (request id ${requestId}).`);
  };
}
