// The command line's fetch behind a proxy. Node's own fetch ignores HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY, so on a company network every request would fail and look like an outage. undici's
// EnvHttpProxyAgent reads them as curl does (lower-case names too); the app keeps the system's proxy
// through Electron's net.fetch instead.
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import type { FetchFunction } from '../core/modelslab-client';

const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** The proxy variable in force, by name (never its value, which may hold a password), or null. */
export function proxyVariableIn(env: Record<string, string | undefined>): string | null {
  return proxyVariables.find((name) => env[name]) ?? null;
}

/** Node's fetch when no proxy variable is set; else undici's fetch through the proxy the environment names. */
export function fetchHonouringProxy(env: Record<string, string | undefined>): FetchFunction {
  if (!proxyVariables.some((name) => env[name])) return (url, init) => fetch(url, init);
  const dispatcher = new EnvHttpProxyAgent();
  return (url, init) => undiciFetch(url, { ...(init as object), dispatcher }) as unknown as Promise<Response>;
}
