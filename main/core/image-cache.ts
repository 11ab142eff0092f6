import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageCacheUsage } from '../../preload/api-contract';
import type { ImageDownloader } from './image-download';
import { fromFirstWorkingLink, temporarySuffix } from './image-download';

export const defaultImageCacheBytes = 512 * 1024 * 1024;

interface CachedImage {
  path: string;
  bytes: number;
  lastUsed: number;
}

/** A cache file's name says which job, image and link it holds: `<id>-<n>-<link hash>.<ext>`. */
const cacheName = /^(\d+)-(\d+)-([0-9a-f]{16})\.(png|jpg|webp)$/;
const linkHash = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 16);
const keyOf = (jobId: string, image: number, url: string) => `${jobId}-${image}-${linkHash(url)}`;

export interface ImageCacheOptions {
  folder: string;
  maxBytes?: number;
  downloader: ImageDownloader;
}

/**
 * Images main downloaded for previews, kept in user data so that saving them later copies instead
 * of downloading, even after ModelsLab's links have expired. The least recently used go first
 * when the cache outgrows its limit.
 */
export function createImageCache({ folder, maxBytes = defaultImageCacheBytes, downloader }: ImageCacheOptions) {
  let index: Promise<Map<string, CachedImage>> | null = null;
  const downloading = new Map<string, Promise<CachedImage>>();

  function loadIndex(): Promise<Map<string, CachedImage>> {
    index ??= (async () => {
      const images = new Map<string, CachedImage>();
      await mkdir(folder, { recursive: true });
      for (const name of await readdir(folder)) {
        const path = join(folder, name);
        if (name.endsWith(temporarySuffix)) {
          await unlink(path).catch(() => undefined); // left by a crash
          continue;
        }
        const match = cacheName.exec(name);
        if (!match) continue;
        const info = await stat(path).catch(() => null);
        if (info?.isFile()) images.set(`${match[1]}-${match[2]}-${match[3]}`, { path, bytes: info.size, lastUsed: info.mtimeMs });
      }
      return images;
    })();
    return index;
  }

  async function evictBeyondLimit(images: Map<string, CachedImage>, keep: string) {
    let total = [...images.values()].reduce((sum, image) => sum + image.bytes, 0);
    const oldestFirst = [...images.entries()].sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key, image] of oldestFirst) {
      if (total <= maxBytes) break;
      if (key === keep) continue;
      images.delete(key);
      total -= image.bytes;
      await unlink(image.path).catch(() => undefined);
    }
  }

  const usage = async (): Promise<ImageCacheUsage> => {
    const images = [...(await loadIndex()).values()];
    return { bytes: images.reduce((sum, image) => sum + image.bytes, 0), files: images.length, maxBytes };
  };

  return {
    /** The cached file of an image, when there is one; marks it as used. */
    async lookup(jobId: string, image: number, url: string): Promise<string | null> {
      const images = await loadIndex();
      // A preview still downloading is waited for rather than downloaded a second time.
      const pending = downloading.get(keyOf(jobId, image, url));
      if (pending) return (await pending.catch(() => null))?.path ?? null;
      const cached = images.get(keyOf(jobId, image, url));
      if (!cached) return null;
      cached.lastUsed = Date.now();
      // The modification time is the use time, so the order survives a restart.
      await utimes(cached.path, new Date(), new Date()).catch(() => images.delete(keyOf(jobId, image, url)));
      return images.has(keyOf(jobId, image, url)) ? cached.path : null;
    },

    /**
     * The image's file in the cache, downloading it first when it is not there (for previews): from
     * its own link, else from the second links to it. It is kept under its own link either way, where
     * saving looks for it.
     */
    async fetch(jobId: string, image: number, url: string, imageLabel: string, alternates: readonly string[] = []): Promise<string> {
      const key = keyOf(jobId, image, url);
      const cachedPath = await this.lookup(jobId, image, url);
      if (cachedPath) return cachedPath;
      let pending = downloading.get(key);
      if (!pending) {
        pending = (async () => {
          const images = await loadIndex();
          const { value: temporary } = await fromFirstWorkingLink([url, ...alternates], (link) => downloader.download(link, folder, imageLabel));
          const path = join(folder, `${key}.${temporary.extension}`);
          await rename(temporary.path, path).finally(() => downloader.release(temporary));
          const cached = { path, bytes: temporary.bytes, lastUsed: Date.now() };
          images.set(key, cached);
          await evictBeyondLimit(images, key);
          return cached;
        })().finally(() => downloading.delete(key));
        downloading.set(key, pending);
      }
      return (await pending).path;
    },

    usage,

    async clear(): Promise<ImageCacheUsage> {
      const images = await loadIndex();
      await Promise.all(downloading.values()).catch(() => undefined);
      for (const cached of images.values()) await rm(cached.path, { force: true });
      images.clear();
      return usage();
    },
  };
}

export type ImageCache = ReturnType<typeof createImageCache>;
