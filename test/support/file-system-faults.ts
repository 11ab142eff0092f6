// Real file-system faults for the saver's tests: a small disk that fills up, a folder that turns
// read-only. On Linux as root they are real mounts (tmpfs); elsewhere what the OS allows.
import { execFileSync } from 'node:child_process';
import { chmod } from 'node:fs/promises';

const isRootOnLinux = process.platform === 'linux' && process.getuid?.() === 0;

function canMount(): boolean {
  if (!isRootOnLinux) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why a small disk cannot be made here, or null when it can. */
export const smallDiskUnavailable: string | null = canMount() ? null : 'a small disk needs a tmpfs mount: root on Linux';

/** Mounts a tmpfs of `bytes` on an empty folder; the returned function unmounts it. */
export function mountSmallDisk(folder: string, bytes: number): () => void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', folder]);
  return () => execFileSync('umount', ['-l', folder]);
}

/**
 * Makes a folder read-only for this process: a read-only remount where it is a mount of ours
 * (root ignores permissions), else its permission bits.
 */
export async function makeReadOnly(folder: string, mounted: boolean): Promise<void> {
  if (mounted) execFileSync('mount', ['-o', 'remount,ro', folder]);
  else await chmod(folder, 0o555);
}

/** Why a folder cannot be made read-only here (root ignores permission bits and cannot mount), or null. */
export const readOnlyUnavailable: string | null =
  process.getuid?.() === 0 && smallDiskUnavailable !== null ? 'root ignores permission bits, and no tmpfs can be mounted here' : null;
/** Whether read-only folders are made by remounting a tmpfs (as root) rather than by permission bits. */
export const readOnlyByMount = isRootOnLinux && smallDiskUnavailable === null;
