/** The system's error code (ECONNRESET, ENOSPC…) of an error or of the error behind it, if any. */
export function errorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') return current.code;
    current = current instanceof Error ? current.cause : null;
  }
  return null;
}

/** The most telling short text about an error: its code, else the message of its cause. */
export function describeCause(error: unknown): string {
  const code = errorCode(error);
  if (code) return code;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * How a request failed to reach a server: refused, cut, a name that did not resolve, no route, or no
 * answer in time. 'other' is anything else (a TLS problem, a refused redirect): the request's own fault.
 */
export type NetworkFailure = 'refused' | 'reset' | 'dns' | 'unreachable' | 'timeout' | 'other';

const failureByCode: Record<string, NetworkFailure> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ENETUNREACH: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETDOWN: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ETIMEDOUT: 'unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'unreachable',
  // Chromium's names, as Electron's net reports them ("net::ERR_CONNECTION_REFUSED").
  ERR_CONNECTION_REFUSED: 'refused',
  ERR_CONNECTION_RESET: 'reset',
  ERR_CONNECTION_CLOSED: 'reset',
  ERR_CONNECTION_ABORTED: 'reset',
  ERR_EMPTY_RESPONSE: 'reset',
  ERR_NAME_NOT_RESOLVED: 'dns',
  ERR_NAME_RESOLUTION_FAILED: 'dns',
  ERR_INTERNET_DISCONNECTED: 'unreachable',
  ERR_NETWORK_CHANGED: 'unreachable',
  ERR_ADDRESS_UNREACHABLE: 'unreachable',
  ERR_CONNECTION_TIMED_OUT: 'unreachable',
  ERR_PROXY_CONNECTION_FAILED: 'unreachable',
};

/** The kind of a failed request's error, from its code or an Electron net::ERR_ name in its messages. */
export function networkFailureOf(error: unknown): NetworkFailure {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const code = errorCode(error);
  if (code && failureByCode[code]) return failureByCode[code];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const chromiumName = /net::(ERR_[A-Z_]+)/.exec(current.message)?.[1];
    if (chromiumName && failureByCode[chromiumName]) return failureByCode[chromiumName];
    current = current.cause;
  }
  return 'other';
}

/** Whether a failure says the server cannot be reached at all, rather than that one request went wrong. */
export const meansUnreachable = (failure: NetworkFailure): boolean => failure === 'refused' || failure === 'reset' || failure === 'dns' || failure === 'unreachable';
