/** Codes of expected failures that reach the edge; each maps to one HTTP status. */
export type AppErrorCode = 'bad_request' | 'not_found' | 'conflict' | 'forbidden';

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
};

/** The one error type for expected failures; its German message is safe to show to the user. */
export class AppError extends Error {
  constructor(
    public readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The HTTP status for this error. */
  get status(): number {
    return STATUS[this.code];
  }
}
