import { lstat, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ConflictPolicy, SaveLayout } from '../../preload/api-contract';
import { systemClock, type Clock } from './clock';
import { errorCode } from './error-cause';
import { exists, placeFile } from './file-placement';
import { savePathSegments } from '../../preload/shared/file-names';
import type { JobLabels } from '../../preload/shared/job-labels';
import type { ImageCache } from './image-cache';
import { linkedSignal } from './linked-signal';
import {
  describeFileError,
  DiskFullError,
  fromFirstWorkingLink,
  HostUnreachableError,
  SaveError,
  temporaryFileOwner,
  temporarySuffix,
  type ImageDownloader,
  type TemporaryImage,
} from './image-download';
import { openFolderPresence, type FolderPresence } from './folder-presence';
import { openSaveManifest, type SaveManifest } from './save-manifest';

/** Where and how a batch saves. */
export interface SaveTarget {
  /** A folder the person chose; it must exist. */
  folder: string;
  saveLayout: SaveLayout;
  fileNameTemplate: string;
  conflictPolicy: ConflictPolicy;
  /** When the batch started: {date}, {time} and the per-day folder come from it. */
  savedAt: Date;
  /** The Name column the person picked (else guessed from the labels), recorded in the manifest. */
  nameColumn?: string | null;
  /** Other columns the person ticked to record in the manifest. */
  manifestColumns?: readonly string[];
}

export interface JobToSave {
  id: string;
  outputUrls: readonly string[];
  /** Per image, other links to the same file, tried in order when its own link fails. */
  alternateUrls?: ReadonlyArray<readonly string[]>;
  /** The row's other cells, for {col:…} in the template. */
  labels?: JobLabels;
  /** A job earlier in the list has the same column values: its ID is added to them in the names. */
  addIdToLabels?: boolean;
  /** The labels the manifest records for this job's files (header → value): the template's columns, the Name column, and those ticked. */
  manifestLabels?: Record<string, string>;
}

/** What happened to one image. */
export type ImageOutcome = 'saved' | 'already-saved' | 'name-taken' | 'failed';

export interface JobSaveResult {
  /** Absolute paths of the job's images that are in the folder now, in image order. */
  paths: string[];
  savedFiles: number;
  /** Already saved before, or left alone because another file has the name. */
  skippedFiles: number;
  /** Why images could not be saved; empty when the job is complete. */
  failures: string[];
}

/** A job's save failures as one line: the first reason, and how many more there were. */
export function describeSaveFailures(failures: readonly string[]): string {
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
  return `${failures[0]}${more}`;
}

export interface SaveProgressListener {
  onBytes(count: number): void;
  onImage(outcome: ImageOutcome): void;
  /** The batch's own stop (Stop saving in the window): cuts this job's downloads and waits, as stopSignal does for all. */
  stop?: AbortSignal;
}

/**
 * Whether ModelsLab itself can be reached, as the job queue knows it (its probes find out): a
 * download that got no answer asks, to tell an outage from one image host's own fault.
 */
export interface EndpointReachability {
  /** True when ModelsLab answers, false when it cannot be reached either. */
  checkReachable(signal?: AbortSignal): Promise<boolean>;
  /** Resolves once ModelsLab can be reached again; rejects when the signal aborts. */
  whenReachable(signal?: AbortSignal): Promise<void>;
}

/** How long an image host that does not answer, while ModelsLab does, is waited for. */
export interface HostRetryTiming {
  /** The first wait; each next one is `factor` times longer. */
  firstDelayMs: number;
  factor: number;
  /** All the waits together; the last one is cut to fit, and then the image fails. */
  totalMs: number;
}

export const defaultHostRetry: HostRetryTiming = { firstDelayMs: 5_000, factor: 3, totalMs: 5 * 60_000 };

/** The waits before each new try of a host that does not answer: 5, 15, 45, 135 and 100 s by default (5 min in all). */
export function hostRetryDelays({ firstDelayMs, factor, totalMs }: HostRetryTiming): number[] {
  const delays: number[] = [];
  let sum = 0;
  for (let next = firstDelayMs; next > 0 && sum < totalMs; next *= factor) {
    const delay = Math.min(next, totalMs - sum);
    delays.push(delay);
    sum += delay;
  }
  return delays;
}

export interface JobSaverOptions {
  downloader: ImageDownloader;
  cache?: ImageCache;
  onNotice: (message: string) => void;
  /** Tries after a transfer cut off mid-way, a timeout or a 5xx before an image fails. */
  downloadRetries?: number;
  retryDelayMs?: number;
  /**
   * The queue, asked when a download gets no answer: if ModelsLab cannot be reached either, it is
   * an outage and the download waits for the queue to be reachable, then starts again without
   * spending a try. Without it, every host that does not answer is taken to be that host's fault.
   */
  reachability?: EndpointReachability;
  /** Waits for an image host that does not answer while ModelsLab does; 5 s growing to 5 min in all by default. */
  hostRetry?: Partial<HostRetryTiming>;
  /** The waits for a host run on it. */
  clock?: Clock;
  /** Cuts every wait short (Ctrl-C, --offline-wait running out, the app closing): the image ends as stopped. */
  stopSignal?: AbortSignal;
}

interface FolderSession {
  /** This saver's presence beside other savers in the folder (heartbeat, lock, journal). */
  presence: Promise<FolderPresence>;
  manifest: Promise<SaveManifest>;
  /** Folders already checked for leftovers of a crash in this session. */
  swept: Set<string>;
  users: number;
  /** Set once the folder's disk is full: its other saves stop with this, without writing. */
  diskFull: string | null;
}

/** Waits on a clock, cut short by a stop (then it rejects). */
function sleepOn(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A wait for ModelsLab, or for a host, that a stop cut short: the image was not saved, and is not tried again. */
const stoppedWhileWaiting = (label: string) => new SaveError(`${label} was not saved: saving was stopped.`);

function describeWait(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/**
 * Saves jobs' images into chosen folders: each through a checked temporary file, named by the
 * template and layout, placed under the conflict policy, and recorded in the folder's manifest,
 * which also tells what is already saved so nothing is downloaded twice.
 */
export function createJobSaver({
  downloader,
  cache,
  onNotice,
  downloadRetries = 2,
  retryDelayMs = 1_000,
  reachability,
  hostRetry,
  clock = systemClock,
  stopSignal,
}: JobSaverOptions) {
  const sessions = new Map<string, FolderSession>();
  /** Sessions still folding their records into the documents: the next one in that folder starts after. */
  const closing = new Map<string, Promise<void>>();
  const hostTiming = { ...defaultHostRetry, ...hostRetry };
  const hostDelays = hostRetryDelays(hostTiming);

  /** One manifest per folder while saves into it run, so concurrent jobs share one record. */
  function enterFolder(folder: string): FolderSession {
    let session = sessions.get(folder);
    if (!session) {
      const presence = (closing.get(folder) ?? Promise.resolve()).then(() => openFolderPresence({ folder }));
      const manifest = presence.then((opened) => openSaveManifest(folder, onNotice, { presence: opened }));
      // A folder that cannot be opened fails each save with its reason; these are then never awaited.
      presence.catch(() => undefined);
      manifest.catch(() => undefined);
      session = { presence, manifest, swept: new Set(), users: 0, diskFull: null };
      sessions.set(folder, session);
    }
    session.users += 1;
    return session;
  }

  /** The last user out folds the records into the documents and leaves the folder; resolves once done. */
  function leaveFolder(folder: string, session: FolderSession): Promise<void> {
    session.users -= 1;
    if (session.users > 0 || sessions.get(folder) !== session) return closing.get(folder) ?? Promise.resolve();
    sessions.delete(folder);
    const closed = closeSession(folder, session).finally(() => {
      if (closing.get(folder) === closed) closing.delete(folder);
    });
    closing.set(folder, closed);
    return closed;
  }

  async function closeSession(folder: string, session: FolderSession): Promise<void> {
    const presence = await session.presence.catch(() => null);
    try {
      const manifest = await session.manifest.catch(() => null);
      await manifest?.close().catch(async (error: unknown) => {
        // A folder that is gone has said so with each save already.
        if (await exists(folder)) onNotice(`The save record in ${folder} could not be brought up to date (${describeFileError(error, folder)}). The next save into the folder does it.`);
      });
    } finally {
      await presence?.close();
    }
  }

  /**
   * Removes temporary files a killed save left: never one this process is writing, nor one of
   * another saver that is still saving (on this machine or another one sharing the folder).
   */
  async function sweepLeftovers(directory: string, session: FolderSession) {
    if (session.swept.has(directory)) return;
    session.swept.add(directory);
    const presence = await session.presence;
    for (const name of await readdir(directory).catch(() => [])) {
      if (!name.endsWith(temporarySuffix)) continue;
      const path = join(directory, name);
      const owner = temporaryFileOwner(name);
      const leftover = owner === presence.owner.tag ? !downloader.isWriting(path) : await presence.isGone(owner);
      if (leftover) await unlink(path).catch(() => undefined);
    }
  }

  /** Makes the subfolders under the chosen folder, never the chosen folder itself: a deleted one stays an error. */
  async function prepareDirectory(folder: string, subfolders: string[], session: FolderSession): Promise<string> {
    const info = await stat(folder).catch((error: unknown) => {
      throw new SaveError(describeFileError(error, folder));
    });
    if (!info.isDirectory()) throw new SaveError(describeFileError(Object.assign(new Error(), { code: 'ENOTDIR' }), folder));
    let directory = folder;
    await sweepLeftovers(directory, session);
    for (const subfolder of subfolders) {
      directory = join(directory, subfolder);
      await mkdir(directory).catch((error: unknown) => {
        if (errorCode(error) !== 'EEXIST') throw new SaveError(describeFileError(error, directory));
      });
      // A link (a symlink, or a junction on Windows) would take the files somewhere else entirely.
      const made = await lstat(directory).catch((error: unknown) => {
        throw new SaveError(describeFileError(error, directory));
      });
      if (made.isSymbolicLink()) {
        throw new SaveError(`${directory} is a link to another place, and files are never saved through links. Remove the link, or choose another layout or folder.`);
      }
      if (!made.isDirectory()) throw new SaveError(`${directory} is a file, not a folder. Move it away, or choose another layout or folder.`);
      await sweepLeftovers(directory, session);
    }
    return directory;
  }

  async function isStillSaved(folder: string, entry: { path: string; bytes: number }): Promise<boolean> {
    const info = await stat(join(folder, ...entry.path.split('/'))).catch(() => null);
    return info?.isFile() === true && info.size === entry.bytes;
  }

  /**
   * The image in a temporary file, with the link it came from: copied from the preview cache when it
   * is there, else downloaded with retries, from its second links when its own fails.
   */
  async function fetchImage(job: JobToSave, image: number, directory: string, label: string, progress: SaveProgressListener): Promise<{ value: TemporaryImage; link: string }> {
    const url = job.outputUrls[image - 1]!;
    // A preview of this image still downloading is waited for; a stop ends that wait too.
    const lookup = cache?.lookup(job.id, image, url);
    const cachedPath = lookup === undefined ? undefined : await withStopOf(progress, (stop) => untilStopped(lookup, stop, label));
    if (cachedPath) {
      const copied = await downloader.copy(cachedPath, directory, label, progress.onBytes).catch(() => null);
      if (copied) return { value: copied, link: url };
    }
    const links = [url, ...(job.alternateUrls?.[image - 1] ?? [])];
    // A host that does not answer (while ModelsLab does) is waited for with growing gaps; other
    // jobs' saves go on meanwhile. An outage met on the way spends none of these waits.
    for (let round = 0; ; round += 1) {
      try {
        return await fromFirstWorkingLink(links, (link) => downloadWithRetries(link, directory, label, progress));
      } catch (error) {
        if (!(error instanceof HostUnreachableError)) throw error;
        const delay = hostDelays[round];
        if (delay === undefined) {
          throw new SaveError(`${error.message} Tried again for ${describeWait(hostTiming.totalMs)}. Check that this network can reach that host, then save again.`);
        }
        await withStopOf(progress, (stop) => sleepOn(clock, delay, stop)).catch(() => {
          throw stoppedWhileWaiting(label);
        });
      }
    }
  }

  /**
   * One link, tried again quickly after a cut transfer or a 5xx. A download that got no answer, or
   * lost it, asks whether ModelsLab answers: if not, it is an outage, and the download waits with
   * the queue and starts again without spending a try; if so, a host that gave no answer at all is
   * that host's own fault (a HostUnreachableError, for the slow retries above).
   */
  /** The promise's value, or a stop's refusal if the signal aborts first. */
  function untilStopped<T>(promise: Promise<T> | undefined, stop: AbortSignal | undefined, label: string): Promise<T | undefined> {
    if (!promise || !stop) return Promise.resolve(promise);
    if (stop.aborted) return Promise.reject(stoppedWhileWaiting(label));
    return new Promise<T | undefined>((resolve, reject) => {
      const onAbort = () => reject(stoppedWhileWaiting(label));
      stop.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => stop.removeEventListener('abort', onAbort));
    });
  }

  /**
   * A wait given what stops a job's waits: the saver's own stop, and its batch's when it has one
   * (linked for the wait only: both outlive every job of a long run).
   */
  async function withStopOf<T>(progress: SaveProgressListener, wait: (stop: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (!progress.stop || !stopSignal) return wait(progress.stop ?? stopSignal);
    const linked = linkedSignal([stopSignal, progress.stop]);
    try {
      return await wait(linked.signal);
    } finally {
      linked.unlink();
    }
  }

  async function downloadWithRetries(link: string, directory: string, label: string, progress: SaveProgressListener): Promise<TemporaryImage> {
    for (let attempt = 0; ; ) {
      try {
        return await downloader.download(link, directory, label, progress.onBytes, progress.stop);
      } catch (error) {
        if (!(error instanceof SaveError)) throw error;
        if (error.network !== null) {
          if (reachability && !(await withStopOf(progress, (stop) => endpointAnswers(reachability, label, stop)))) {
            await withStopOf(progress, (stop) => reachability.whenReachable(stop)).catch(() => {
              throw stoppedWhileWaiting(label);
            });
            continue;
          }
          if (error.network.beforeAnswer) {
            throw new HostUnreachableError(
              `${label} could not be downloaded: its image host ${new URL(link).host} cannot be reached (${error.network.cause}), though ModelsLab answers.`,
            );
          }
        }
        if (!error.transient || attempt >= downloadRetries) throw error;
        // Quick tries are a second or two apart on the system's time, so a test's frozen clock never holds them.
        await withStopOf(progress, (stop) => sleepOn(systemClock, retryDelayMs * 2 ** attempt, stop)).catch(() => {
          throw stoppedWhileWaiting(label);
        });
        attempt += 1;
      }
    }
  }

  async function endpointAnswers(known: EndpointReachability, label: string, stop = stopSignal): Promise<boolean> {
    try {
      return await known.checkReachable(stop);
    } catch {
      throw stoppedWhileWaiting(label);
    }
  }

  async function saveImage(job: JobToSave, image: number, target: SaveTarget, session: FolderSession, progress: SaveProgressListener) {
    const manifest = await session.manifest;
    const url = job.outputUrls[image - 1]!;
    const label = `Image ${image} of job ${job.id}`;
    const recorded = manifest.entry(job.id, image);
    if (recorded && (await isStillSaved(target.folder, recorded))) {
      return { outcome: 'already-saved' as const, path: join(target.folder, ...recorded.path.split('/')) };
    }

    const segmentsFor = (ext: string) =>
      savePathSegments(target.saveLayout, target.fileNameTemplate, {
        id: job.id,
        n: image,
        count: job.outputUrls.length,
        savedAt: target.savedAt,
        ext,
        labels: job.labels,
        addIdToLabels: job.addIdToLabels,
      });
    if (target.conflictPolicy === 'skip') {
      // The name the link suggests: when it is taken there is nothing to download.
      const guessed = /\.(png|jpe?g|webp)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase().replace('jpeg', 'jpg');
      if (guessed) {
        const guessedPath = join(target.folder, ...segmentsFor(guessed));
        if (await exists(guessedPath)) return { outcome: 'name-taken' as const, path: guessedPath };
      }
    }

    if (session.diskFull !== null) throw new DiskFullError(session.diskFull);
    // The folders come from the template with the real type, known only after the download;
    // the type changes only the file name, never a folder.
    const folders = segmentsFor('png').slice(0, -1);
    const directory = await prepareDirectory(target.folder, folders, session);
    const { value: temporary, link: sourceUrl } = await fetchImage(job, image, directory, label, progress).catch((error: unknown) => {
      if (error instanceof DiskFullError) session.diskFull ??= error.message;
      throw error;
    });
    let placed;
    try {
      const presence = await session.presence;
      placed = await placeFile(temporary.path, directory, segmentsFor(temporary.extension).at(-1)!, target.conflictPolicy, presence.withLock);
    } catch (error) {
      await unlink(temporary.path).catch(() => undefined);
      throw new SaveError(describeFileError(error, directory));
    } finally {
      downloader.release(temporary);
    }
    if (placed.outcome === 'name-taken') return { outcome: 'name-taken' as const, path: placed.path };
    // The record is written while the next image downloads; the job counts as saved only once all
    // its records are on disk. A crash in between leaves a file the next run recognises by its bytes.
    const recording = manifest
      .record({
        jobId: job.id,
        image,
        sourceUrl,
        path: relative(target.folder, placed.path).split(sep).join('/'),
        bytes: temporary.bytes,
        sha256: temporary.sha256,
        savedAt: new Date().toISOString(),
        ...(job.manifestLabels && Object.keys(job.manifestLabels).length > 0 ? { labels: job.manifestLabels } : {}),
      })
      .then(
        () => null,
        (error: unknown) => `${label} was saved, but the save record could not be updated: ${describeFileError(error, target.folder)}`,
      );
    return { outcome: placed.outcome === 'same-file' ? ('already-saved' as const) : ('saved' as const), path: placed.path, recording };
  }

  return {
    /**
     * Keeps a folder's session (its record, what is known of its disk) open for a batch, so that a
     * full disk met by one job stops the batch's other saves into it. Returns the release.
     */
    holdFolder(folder: string): () => Promise<void> {
      const session = enterFolder(folder);
      let released: Promise<void> | null = null;
      // Resolves once the folder's documents hold every record, when this was the last hold.
      return () => (released ??= leaveFolder(folder, session));
    },

    /** Saves every image of a job that is not saved yet; one image failing does not stop the others. */
    async saveJob(job: JobToSave, target: SaveTarget, progress: SaveProgressListener): Promise<JobSaveResult> {
      const session = enterFolder(target.folder);
      const result: JobSaveResult = { paths: [], savedFiles: 0, skippedFiles: 0, failures: [] };
      const recordings: Array<Promise<string | null>> = [];
      try {
        for (let image = 1; image <= job.outputUrls.length; image += 1) {
          try {
            const saved = await saveImage(job, image, target, session, progress);
            result.paths.push(saved.path);
            if (saved.outcome === 'saved') result.savedFiles += 1;
            else result.skippedFiles += 1;
            if ('recording' in saved && saved.recording) recordings.push(saved.recording);
            progress.onImage(saved.outcome);
          } catch (error) {
            result.failures.push(error instanceof SaveError ? error.message : `${`Image ${image} of job ${job.id}`}: ${String(error)}`);
            progress.onImage('failed');
          }
        }
        for (const problem of await Promise.all(recordings)) if (problem !== null) result.failures.push(problem);
      } finally {
        await leaveFolder(target.folder, session);
      }
      return result;
    },
  };
}

export type JobSaver = ReturnType<typeof createJobSaver>;
