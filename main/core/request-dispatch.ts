import { isRequestName, type Result } from '../../preload/api-contract';
import { AppError, toApiError } from './app-error';
import type { RequestHandlers } from './app-core';

/**
 * Runs one request from the renderer and answers with a Result envelope: errors cross IPC as data
 * with a code and a plain message, never as a thrown Error with a stack.
 */
export async function dispatchRequest(
  handlers: RequestHandlers,
  name: unknown,
  request: unknown,
  log: (message: string) => void,
): Promise<Result<unknown>> {
  if (!isRequestName(name)) {
    return { ok: false, error: { code: 'invalid-request', message: 'Unknown request.' } };
  }
  try {
    return { ok: true, value: await handlers[name](request) };
  } catch (error) {
    if (!(error instanceof AppError)) log(`Request ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ok: false, error: toApiError(error) };
  }
}
