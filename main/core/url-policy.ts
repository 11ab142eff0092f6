function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** https anywhere; plain http only to this machine, which is where the test server lives. */
export function isSecureOrLocalUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

// Where the window's own pages live: app://headshot-fetcher/…, served by main from the build.
export const rendererScheme = 'app';
export const rendererHost = 'headshot-fetcher';
export const rendererEntryUrl = `${rendererScheme}://${rendererHost}/index.html`;

/**
 * Whether a URL is one of the window's own pages. Compares scheme and host rather than
 * URL.origin, which Node reports as "null" for a custom scheme.
 */
export function isRendererUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${rendererScheme}:` && url.host === rendererHost;
  } catch {
    return false;
  }
}
