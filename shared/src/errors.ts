/** Every error a tool server may answer with, mapped once to its HTTP status. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_PATH: 400,
  IDENTITY_REQUIRED: 400,
  NOT_A_DIRECTORY: 400,
  IS_A_DIRECTORY: 400,
  UNAUTHORIZED: 401,
  INVALID_USER_TOKEN: 401,
  PERMISSION_DENIED: 403,
  PATH_OUTSIDE_WORKSPACE: 403,
  LINKED_FILE_REFUSED: 403,
  LINK_INVALID: 403,
  LINK_EXPIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION_FAILED: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  INSUFFICIENT_STORAGE: 507,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * A failure that is the caller's to understand: it carries a stable code and a short message written
 * for a model to read and act on. Anything else thrown is an internal error and is never shown.
 */
export class ToolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Shorthand for `new ToolError(code, message)`, for use in expressions. */
export function toolError(code: ErrorCode, message: string): ToolError {
  return new ToolError(code, message);
}
