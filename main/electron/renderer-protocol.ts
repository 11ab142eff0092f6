import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
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
    const relative = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const filePath = join(rendererDir, relative);
    if (url.host !== rendererHost || !filePath.startsWith(rendererDir + sep)) {
      return new Response('Not found', { status: 404 });
    }
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
