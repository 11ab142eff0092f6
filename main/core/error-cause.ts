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
