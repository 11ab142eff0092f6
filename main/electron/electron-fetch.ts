import { net } from 'electron';
import { Readable } from 'node:stream';

/**
 * The core's fetch in the app: Electron's net, which uses the system's proxy and certificates.
 * net.fetch cancels a request with redirect 'manual' instead of handing back the 3xx, so that mode
 * goes through net.request, and the redirect becomes a 3xx Response with its Location, as in Node.
 */
export function electronFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (init.redirect !== 'manual') return net.fetch(url, init);
  return new Promise((resolve, reject) => {
    const request = net.request({ url, method: init.method ?? 'GET', redirect: 'manual' });
    const { signal } = init;
    const abort = () => {
      request.abort();
      reject(signal?.reason ?? new DOMException('The request was aborted.', 'AbortError'));
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    request.on('redirect', (statusCode, _method, redirectUrl) => {
      request.abort();
      resolve(new Response(null, { status: statusCode, headers: { location: redirectUrl } }));
    });
    request.on('response', (response) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      const body = Readable.toWeb(response as unknown as Readable) as ReadableStream<Uint8Array>;
      resolve(new Response(body, { status: response.statusCode, headers }));
    });
    request.on('error', reject);
    request.end();
  });
}
