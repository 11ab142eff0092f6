import { existsSync } from 'node:fs';

/**
 * Which Chromium the browser suite drives: $HEADSHOT_FETCHER_CHROMIUM, else Debian's
 * /usr/bin/chromium, else Playwright's own (undefined lets Playwright pick it).
 */
export function chromiumExecutable(): string | undefined {
  const fromEnvironment = process.env.HEADSHOT_FETCHER_CHROMIUM;
  if (fromEnvironment) return fromEnvironment;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}
