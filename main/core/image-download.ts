import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCause, errorCode, meansUnreachable, networkFailureOf, type NetworkFailure } from './error-cause';
import { imageTypeOf, signatureLength, type ImageExtension } from './image-type';
import { linkedSignal } from './linked-signal';
import { isTemporaryImageHost } from '../../preload/shared/temporary-image-hosts';
import type { FetchFunction } from './modelslab-client';
import type { LinkPolicy } from './url-policy';
import { thisSaver, type SaverOwner } from './saver-owner';

/**
 * A download that got no answer, or lost it mid-way, on the network: whose fault that is (an outage
 * of this machine's network, or that image host alone) is for the saver to find out.
 */
export interface NetworkFault {
  failure: NetworkFailure;
  /** No answer at all (refused, no route, no name, no reply in time), rather than one cut off mid-way. */
  beforeAnswer: boolean;
  /** The short cause for a message: "ECONNREFUSED", "timed out". */
  cause: string;
}

/** A save that failed for a reason the person can read and act on. */
export class SaveError extends Error {
  override name = 'SaveError';
  constructor(
    message: string,
    /** Whether trying again soon may work (a dropped connection), unlike an expired link or a full disk. */
    readonly transient = false,
    /** The link itself failed (an HTTP error, a host that cannot be reached): another link to the same image may work. */
    readonly linkFailed = false,
    /** Set when the network failed the download, not the server's answer. */
    readonly network: NetworkFault | null = null,
  ) {
    super(message);
  }
}

/**
 * The image's host gave no answer while ModelsLab itself answers: that host's own fault, worth
 * trying again over minutes (it may come back), and another link to the image may work meanwhile.
 */
export class HostUnreachableError extends SaveError {
  override name = 'HostUnreachableError';
  constructor(message: string) {
    super(message, true, true);
  }
}

/**
 * Tries an image's links in order (its own, then the second links ModelsLab gave for it) until one
 * works; only a failed link moves on to the next, never a full disk or a stop. When all fail, the
 * first link's reason is the one given.
 */
export async function fromFirstWorkingLink<T>(links: readonly string[], attempt: (link: string) => Promise<T>): Promise<{ value: T; link: string }> {
  let firstFailure: SaveError | null = null;
  const failures: SaveError[] = [];
  for (const link of links) {
    try {
      return { value: await attempt(link), link };
    } catch (error) {
      if (!(error instanceof SaveError && error.linkFailed)) throw error;
      firstFailure ??= error;
      failures.push(error);
    }
  }
  if (firstFailure === null) throw new SaveError('The image has no link.');
  if (links.length === 1) throw firstFailure;
  const others = links.length === 2 ? 'The second link ModelsLab gave for it failed too.' : `The ${links.length - 1} other links ModelsLab gave for it failed too.`;
  const message = `${firstFailure.message} ${others}`;
  // A host that may come back is worth waiting for, whichever of the links it served.
  if (failures.some((failure) => failure instanceof HostUnreachableError)) throw new HostUnreachableError(message);
  throw new SaveError(message, firstFailure.transient, true);
}

/** The disk has no room for the next file: that folder's saves stop, before anything more is written. */
export class DiskFullError extends SaveError {
  override name = 'DiskFullError';
}

/** Room kept free beyond each image: the save record is rewritten after it. */
export const diskReserveBytes = 8 * 1024;

/** Free bytes for this process on the disk holding a folder; null when the system cannot say. */
export async function freeBytesOf(folder: string): Promise<number | null> {
  const info = await statfs(folder).catch(() => null);
  return info === null ? null : info.bavail * info.bsize;
}

/**
 * Why an image host did not give the image. Only ModelsLab's own temporary hosts delete images
 * after 24 hours; a link elsewhere (a customer's bucket) that is refused or gone is said to be so.
 */
export function describeRefusedImage(imageLabel: string, httpStatus: number, link: URL): string {
  const gone = httpStatus === 403 || httpStatus === 404 || httpStatus === 410;
  if (!gone) return `${imageLabel} could not be downloaded (HTTP ${httpStatus}).`;
  if (isTemporaryImageHost(link.hostname)) {
    return `${imageLabel} is no longer on the server (HTTP ${httpStatus}). ModelsLab deletes images after 24 hours, so the link has probably expired.`;
  }
  return `${imageLabel} is not available from ${link.host} (HTTP ${httpStatus}): the storage it is on refused it or no longer holds it.`;
}

/** A checked image in a temporary file: complete, typed by its bytes, flushed to disk. */
export interface TemporaryImage {
  path: string;
  bytes: number;
  sha256: string;
  extension: ImageExtension;
}

export interface ImageDownloadOptions {
  fetch: FetchFunction;
  requestTimeoutMs: number;
  /** Where links may lead; checked before every request, redirects included. */
  linkPolicy: LinkPolicy;
  /** Guards against a runaway download. */
  maxImageBytes?: number;
  /** Stops every download at once, as an interrupted command line does. */
  stopSignal?: AbortSignal;
  /** Free space on a folder's disk, checked before each file (statfs by default). */
  freeBytes?: (folder: string) => Promise<number | null>;
}

const maxRedirects = 5;
export const defaultMaxImageBytes = 200 * 1024 * 1024;
const dataUrlPrefix = /^data:image\/[a-z0-9.+-]+;base64,/i;
/** Temporary files end so; anything else in a folder is never deleted. */
export const temporarySuffix = '.headshot-fetcher-part';

/** A temporary file's name carries its saver's tag, so that no other saver removes it while that one runs. */
export const temporaryPathIn = (folder: string, owner: SaverOwner = thisSaver) => join(folder, `.${owner.tag}.${randomBytes(6).toString('hex')}${temporarySuffix}`);

/** The tag of the saver a temporary file belongs to; null for one from a version before tags (or not ours at all). */
export function temporaryFileOwner(name: string): string | null {
  return /^\.([A-Za-z0-9-]+~\d+~[0-9a-f]+)\.[0-9a-f]+\.headshot-fetcher-part$/.exec(name)?.[1] ?? null;
}

const diskFullMessage = (folder: string) => `The disk holding ${folder} is full. Free some space and save again.`;
const isDiskFullCode = (error: unknown) => errorCode(error) === 'ENOSPC' || errorCode(error) === 'EDQUOT';

export function describeFileError(error: unknown, folder: string): string {
  switch (errorCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return diskFullMessage(folder);
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

class FileWriteError extends Error {
  constructor(
    readonly fault: unknown,
    folder: string,
  ) {
    super(describeFileError(fault, folder));
  }
}

/** A nearly full disk can take part of a write without an error: write the rest, or fail. */
async function writeWhole(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    if (bytesWritten === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

/** Chunks are written together once this many bytes wait: a write per network chunk costs more than the bytes. */
const writeBatchBytes = 1024 * 1024;

/** Writes chunks with one writev, without joining them; what a nearly full disk leaves unwritten is written after. */
async function writeChunks(file: FileHandle, chunks: Uint8Array[]): Promise<void> {
  const { bytesWritten } = await file.writev(chunks);
  let skip = bytesWritten;
  for (const chunk of chunks) {
    if (skip >= chunk.byteLength) {
      skip -= chunk.byteLength;
      continue;
    }
    await writeWhole(file, chunk.subarray(skip));
    skip = 0;
  }
}

/**
 * Downloads images to temporary files. Nothing it writes has a final name: the caller renames a
 * returned file into place, so a cut, a wrong type or a crash never leaves a wrong file behind.
 */
export function createImageDownloader({
  fetch,
  requestTimeoutMs,
  linkPolicy,
  maxImageBytes = defaultMaxImageBytes,
  stopSignal,
  freeBytes = freeBytesOf,
}: ImageDownloadOptions) {
  /** Before a file is written: a file that would fill the disk is not begun. */
  async function ensureRoom(folder: string, bytes: number): Promise<void> {
    const free = await freeBytes(folder);
    if (free !== null && free < bytes + diskReserveBytes) throw new DiskFullError(diskFullMessage(folder));
  }

  /** Temporary files being written now, which a sweep for crash leftovers must not touch. */
  const writing = new Set<string>();

  /** Why a download ended without its bytes: a stop is final, since trying again would only hold the stop up. */
  function unfinished(error: unknown, imageLabel: string, beforeAnswer = false, batchStop?: AbortSignal): SaveError {
    if (stopSignal?.aborted || batchStop?.aborted) return new SaveError(`${imageLabel} was not saved: saving was stopped.`);
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const failure = networkFailureOf(error);
    const cause = timedOut ? 'timed out' : describeCause(error);
    return new SaveError(
      timedOut ? `${imageLabel} took too long to download.` : `${imageLabel} could not be downloaded (${cause}).`,
      true,
      // No answer at all: the host is unreachable, and another host may have the image.
      beforeAnswer,
      meansUnreachable(failure) || failure === 'timeout' ? { failure, beforeAnswer, cause } : null,
    );
  }

  /** Follows redirects by hand so that each hop is checked against the link policy before it is requested. */
  async function request(url: string, imageLabel: string, signal: AbortSignal): Promise<Response> {
    let current = new URL(url);
    for (let hop = 0; hop <= maxRedirects; hop += 1) {
      // Checked before each request, the name resolved again: a redirect may lead anywhere.
      const refusal = await linkPolicy.refusal(current);
      if (refusal !== null) throw new SaveError(`${imageLabel} was not downloaded: ${refusal}`);
      const response = await fetch(current.href, { redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        current = new URL(location, current);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new SaveError(
          describeRefusedImage(imageLabel, response.status, current),
          response.status >= 500 || response.status === 429,
          true,
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

  /** Writes chunks to a new temporary file, hashing and typing them on the way; removes it on any failure. */
  async function writeTemporary(
    chunks: AsyncIterable<Uint8Array>,
    folder: string,
    imageLabel: string,
    expectedLength: number | null,
    onBytes: (count: number) => void,
    batchStop?: AbortSignal,
  ): Promise<TemporaryImage> {
    const path = temporaryPathIn(folder);
    let file: FileHandle | null = null;
    writing.add(path);
    try {
      file = await open(path, 'wx').catch((error: unknown) => {
        throw new FileWriteError(error, folder);
      });
      const hash = createHash('sha256');
      const head = new Uint8Array(signatureLength);
      let written = 0;
      // One pass over the bytes: each chunk is hashed and its head typed as it arrives, and written in batches.
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      const flush = async (handle: FileHandle) => {
        const chunksNow = batch;
        batch = [];
        batchBytes = 0;
        await writeChunks(handle, chunksNow).catch((error: unknown) => {
          throw new FileWriteError(error, folder);
        });
      };
      for await (const chunk of chunks) {
        if (written < signatureLength) head.set(chunk.subarray(0, signatureLength - written), written);
        hash.update(chunk);
        batch.push(chunk);
        batchBytes += chunk.byteLength;
        written += chunk.byteLength;
        onBytes(chunk.byteLength);
        if (batchBytes >= writeBatchBytes) await flush(file);
      }
      if (batch.length > 0) await flush(file);
      if (expectedLength !== null && written !== expectedLength) {
        throw new SaveError(`${imageLabel} arrived incomplete (${written} of ${expectedLength} bytes).`, true);
      }
      const extension = imageTypeOf(head);
      if (extension === null) throw new SaveError(`${imageLabel} is not a PNG, JPEG or WebP image; it was not saved.`);
      await file.sync().catch((error: unknown) => {
        throw new FileWriteError(error, folder);
      });
      await file.close();
      file = null;
      return { path, bytes: written, sha256: hash.digest('hex'), extension };
    } catch (error) {
      await file?.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      writing.delete(path);
      if (error instanceof SaveError) throw error;
      if (error instanceof FileWriteError) throw isDiskFullCode(error.fault) ? new DiskFullError(error.message) : new SaveError(error.message);
      throw unfinished(error, imageLabel, false, batchStop);
    }
  }

  return {
    /** Whether a temporary file is this process's and still in use (written, or not yet placed). */
    isWriting: (path: string) => writing.has(path),
    /** Called once a returned temporary file has been renamed or removed. */
    release: (image: TemporaryImage) => void writing.delete(image.path),

    /** Downloads one image into a temporary file in `folder`. */
    async download(url: string, folder: string, imageLabel: string, onBytes: (count: number) => void = () => undefined, batchStop?: AbortSignal): Promise<TemporaryImage> {
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      // A batch's own stop (Stop saving in the window) cuts this download too.
      const stops = [stopSignal, batchStop].filter((stop): stop is AbortSignal => stop !== undefined);
      // Unlinked once the download has ended: the run-wide stops outlive 100,000 downloads.
      const linked = stops.length > 0 ? linkedSignal([...stops, timeout]) : { signal: timeout, unlink: () => undefined };
      const { signal } = linked;
      try {
        let response: Response;
        try {
          response = await request(url, imageLabel, signal);
        } catch (error) {
          if (error instanceof SaveError) throw error;
          throw unfinished(error, imageLabel, true, batchStop);
        }
        const isBase64 = new URL(url).pathname.toLowerCase().endsWith('.base64');
        // A compressed answer's Content-Length counts the compressed bytes, not the image's.
        const lengthIsImageSize = !isBase64 && !response.headers.has('content-encoding');
        const declared = lengthIsImageSize ? Number(response.headers.get('content-length') ?? NaN) : NaN;
        try {
          // The size is known from the answer's headers when it declares it; else only the reserve is checked.
          await ensureRoom(folder, Number.isFinite(declared) ? declared : 0);
        } catch (error) {
          await response.body?.cancel().catch(() => undefined);
          throw error;
        }
        const chunks = isBase64 ? decodedBase64(bytesOf(response, imageLabel)) : bytesOf(response, imageLabel);
        return await writeTemporary(chunks, folder, imageLabel, Number.isFinite(declared) ? declared : null, onBytes, batchStop);
      } finally {
        linked.unlink();
      }
    },

    /** Copies a file (an image kept in the cache) into a temporary file in `folder`, checking it again. */
    async copy(sourcePath: string, folder: string, imageLabel: string, onBytes: (count: number) => void = () => undefined): Promise<TemporaryImage> {
      await ensureRoom(folder, (await stat(sourcePath)).size);
      return writeTemporary(createReadStream(sourcePath), folder, imageLabel, null, onBytes);
    },
  };
}

export type ImageDownloader = ReturnType<typeof createImageDownloader>;
