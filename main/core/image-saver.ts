import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCause, errorCode } from './error-cause';
import { imageTypeOf, signatureLength } from './image-type';
import { moveIntoPlace } from './no-clobber';
import type { FetchFunction } from './modelslab-client';
import { isSecureOrLocalUrl } from './url-policy';

export interface ImageSaverOptions {
  fetch: FetchFunction;
  requestTimeoutMs: number;
  /** Guards against a runaway download. */
  maxImageBytes?: number;
}

/** A save that failed for a reason the user can read and act on. */
export class SaveError extends Error {
  override name = 'SaveError';
}

const maxRedirects = 5;
const defaultMaxImageBytes = 200 * 1024 * 1024;
const dataUrlPrefix = /^data:image\/[a-z0-9.+-]+;base64,/i;

function describeFileError(error: unknown, folder: string): string {
  switch (errorCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk holding ${folder} is full. Free some space and save again.`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `Cannot write to ${folder}: permission denied. Choose another folder or change its permissions.`;
    case 'ENOENT':
    case 'ENOTDIR':
      return `The folder ${folder} no longer exists. Choose a folder again.`;
    default:
      return `Could not write to ${folder} (${describeCause(error)}).`;
  }
}

function describeDownloadError(error: unknown, imageLabel: string): string {
  if (error instanceof SaveError) return error.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `${imageLabel} took too long to download.`;
  }
  return `${imageLabel} could not be downloaded (${describeCause(error)}).`;
}

export function createImageSaver({ fetch, requestTimeoutMs, maxImageBytes = defaultMaxImageBytes }: ImageSaverOptions) {
  /** Follows redirects by hand so that none of them can lead to plain http. */
  async function download(url: string, imageLabel: string, signal: AbortSignal): Promise<Response> {
    let current = new URL(url);
    for (let hop = 0; hop <= maxRedirects; hop += 1) {
      if (!isSecureOrLocalUrl(current)) {
        throw new SaveError(`${imageLabel} has a link that is not https (${current.protocol}//${current.host}); it was not downloaded.`);
      }
      const response = await fetch(current.href, { redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        current = new URL(location, current);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const expired = response.status === 403 || response.status === 404 || response.status === 410;
        throw new SaveError(
          expired
            ? `${imageLabel} is no longer on the server (HTTP ${response.status}). ModelsLab deletes images after 24 hours, so the link has probably expired.`
            : `${imageLabel} could not be downloaded (HTTP ${response.status}).`,
        );
      }
      return response;
    }
    throw new SaveError(`${imageLabel} redirected more than ${maxRedirects} times.`);
  }

  async function* bytesOf(response: Response, imageLabel: string): AsyncGenerator<Uint8Array> {
    if (!response.body) return;
    let total = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxImageBytes) throw new SaveError(`${imageLabel} is larger than ${Math.round(maxImageBytes / 1048576)} MB; stopped.`);
      yield chunk;
    }
  }

  /** `.base64` outputs hold the image as base64 text, sometimes behind a data: URL prefix. */
  async function* decodedBase64(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(Buffer.from(chunk));
    const text = Buffer.concat(parts).toString('latin1').trim().replace(dataUrlPrefix, '');
    yield Buffer.from(text, 'base64');
  }

  /** Streams one image to a temporary file beside its final name, checks it, then renames it. */
  async function saveImage(url: string, folder: string, baseName: string, imageLabel: string): Promise<string> {
    const signal = AbortSignal.timeout(requestTimeoutMs);
    let response: Response;
    try {
      response = await download(url, imageLabel, signal);
    } catch (error) {
      throw new SaveError(describeDownloadError(error, imageLabel));
    }
    const isBase64 = new URL(url).pathname.toLowerCase().endsWith('.base64');
    // A compressed answer's Content-Length counts the compressed bytes, not the image's.
    const lengthIsImageSize = !isBase64 && !response.headers.has('content-encoding');
    const expectedLength = lengthIsImageSize ? Number(response.headers.get('content-length') ?? NaN) : null;

    const temporaryPath = join(folder, `.${baseName}.${randomBytes(4).toString('hex')}.part`);
    let file: FileHandle | null = null;
    try {
      file = await open(temporaryPath, 'wx').catch((error: unknown) => {
        throw new SaveError(describeFileError(error, folder));
      });
      const head = new Uint8Array(signatureLength);
      let written = 0;
      const chunks = isBase64 ? decodedBase64(bytesOf(response, imageLabel)) : bytesOf(response, imageLabel);
      try {
        for await (const chunk of chunks) {
          if (written < signatureLength) head.set(chunk.subarray(0, signatureLength - written), written);
          await file.write(chunk).catch((error: unknown) => {
            throw new SaveError(describeFileError(error, folder));
          });
          written += chunk.byteLength;
        }
      } catch (error) {
        throw new SaveError(describeDownloadError(error, imageLabel));
      }
      if (expectedLength !== null && Number.isFinite(expectedLength) && written !== expectedLength) {
        throw new SaveError(`${imageLabel} arrived incomplete (${written} of ${expectedLength} bytes).`);
      }
      const extension = imageTypeOf(head);
      if (extension === null) throw new SaveError(`${imageLabel} is not a PNG, JPEG or WebP image; it was not saved.`);
      await file.sync();
      await file.close();
      file = null;
      return await moveIntoPlace(temporaryPath, folder, baseName, extension).catch((error: unknown) => {
        throw new SaveError(describeFileError(error, folder));
      });
    } catch (error) {
      await file?.close().catch(() => undefined);
      await unlink(temporaryPath).catch(() => undefined);
      throw error instanceof SaveError ? error : new SaveError(describeFileError(error, folder));
    }
  }

  /** Saves a job's images as `<folder>/<id>-<n>.<ext>`, n from 1. */
  async function saveJobImages(jobId: string, outputUrls: readonly string[], folder: string): Promise<string[]> {
    const paths: string[] = [];
    for (const [index, url] of outputUrls.entries()) {
      const n = index + 1;
      paths.push(await saveImage(url, folder, `${jobId}-${n}`, `Image ${n} of job ${jobId}`));
    }
    return paths;
  }

  return { saveJobImages };
}

