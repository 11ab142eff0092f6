import type { ApiError, ErrorCode } from '../../preload/api-contract';

/** An error meant for the person using the app: a code the UI can act on and a plain message. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'Something went wrong inside Headshot Fetcher. Please try again.' };
}
