import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../../preload/shared/content-security-policy';
import { jobImagePathPattern } from '../../preload/shared/job-image-path';
import { rendererHost, rendererScheme } from '../core/url-policy';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Must run before the app is ready: a standard, secure scheme behaves like https for the page. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: rendererScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * The file a page path names inside the renderer folder, or null for a path that would leave it
 * (`..` written as `%2f`-encoded slashes), a backslash (a folder break on Windows), a NUL, or an
 * encoding that does not decode.
 */
export function rendererFileFor(rendererDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return null;
  const filePath = resolve(rendererDir, `.${decoded}`);
  return filePath.startsWith(resolve(rendererDir) + sep) ? filePath : null;
}

/** A job's image for the window, from main's image cache; it rejects when there is none to show (answered 404). */
export type JobImageSource = (jobId: string, n: number) => Promise<{ path: string; contentType: string }>;

async function serveJobImage(jobImage: JobImageSource, jobId: string, n: number): Promise<Response> {
  try {
    const image = await jobImage(jobId, n);
    return new Response(await readFile(image.path), {
      // no-cache: a retried job may get new images under the same path; the file is local, so asking again is cheap.
      headers: { 'content-type': image.contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
    });
  } catch (error) {
    return new Response(error instanceof Error ? error.message : 'Not found', { status: 404 });
  }
}

/**
 * Serves the built renderer from disk under app://headshot-fetcher, with the CSP as a header, and
 * the jobs' images under /job-images/<id>/<n>, so the page shows pictures without loading any
 * remote URL.
 */
export function serveRenderer(rendererDir: string, jobImage: JobImageSource): void {
  protocol.handle(rendererScheme, async (request) => {
    const url = new URL(request.url);
    const imageMatch = url.host === rendererHost ? jobImagePathPattern.exec(url.pathname) : null;
    if (imageMatch) return serveJobImage(jobImage, imageMatch[1]!, Number(imageMatch[2]));
    if (url.host !== rendererHost) return new Response('Not found', { status: 404 });
    const filePath = rendererFileFor(rendererDir, url.pathname);
    // Refused by the guard, distinct from a missing file: a path that tries to leave the folder.
    if (filePath === null) return new Response('Refused', { status: 403 });
    try {
      const body = await readFile(filePath);
      return new Response(body, {
        headers: {
          'content-type': contentTypes[extname(filePath)] ?? 'application/octet-stream',
          'content-security-policy': contentSecurityPolicy,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
