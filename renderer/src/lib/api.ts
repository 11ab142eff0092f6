import type { HeadshotApi, Result } from '../../../preload/api-contract';

declare global {
  interface Window {
    headshots: HeadshotApi;
  }
}

/** The only way the window reaches the world: the preload's typed API. */
export const api: HeadshotApi = window.headshots;

/** An error from main, with the message it wrote for people. */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The value of a request main answered, or a RequestError with main's message. */
export async function valueOrThrow<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new RequestError(result.error.code, result.error.message);
  return result.value;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
