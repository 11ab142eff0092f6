// Real file-system faults for the saver's tests: a small disk that fills up, a folder that turns
// read-only, a file that cannot be replaced. On Linux as root they are real mounts (tmpfs) and
// attributes; elsewhere what the OS allows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/**
 * Makes a file impossible to replace or delete (the immutable attribute), as Windows refuses to
 * replace a file a spreadsheet holds open; the returned function undoes it.
 */
export function lockFile(path: string): () => void {
  execFileSync('chattr', ['+i', path]);
  return () => execFileSync('chattr', ['-i', path]);
}

function canLockFiles(): boolean {
  if (!isRootOnLinux) return false;
  const folder = mkdtempSync(join(tmpdir(), 'headshot-fetcher-lock-'));
  try {
    writeFileSync(join(folder, 'probe'), '');
    lockFile(join(folder, 'probe'))();
    return true;
  } catch {
    return false;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Why a file cannot be locked here (chattr +i needs root on Linux and a file system that has it), or null. */
export const lockedFileUnavailable: string | null = canLockFiles() ? null : 'locking a file needs chattr +i: root on Linux';
