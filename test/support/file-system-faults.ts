// Real file-system faults for the saver's tests: a small disk that fills up, a folder that turns
// read-only, a file that cannot be replaced. On Linux as root they are real mounts (tmpfs) and
// attributes; elsewhere what the OS allows. Being root is not enough (a container may deny mounts),
// so each fault is tried once at load, and a test that needs one it cannot have skips with the reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a command and throws when it fails, with what it said on standard error. */
export type RunCommand = (command: string, args: string[]) => void;

const runCommand: RunCommand = (command, args) => {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** HEADSHOT_FETCHER_TEST_NO_MOUNTS=1 refuses mounts and chattr, as a container without the rights does: to check the skips. */
export const refusingRun: RunCommand = (command, args) => {
  if (command === 'mount' || command === 'chattr') throw new Error(`${command}: ${args.at(-1)}: permission denied (HEADSHOT_FETCHER_TEST_NO_MOUNTS).`);
  runCommand(command, args);
};

export interface FaultSupport {
  /** Why a small disk cannot be made here, or null when it can. */
  smallDiskUnavailable: string | null;
  /** Why a folder cannot be made read-only here, or null. */
  readOnlyUnavailable: string | null;
  /** Whether read-only folders are made by remounting a tmpfs (as root) rather than by permission bits. */
  readOnlyByMount: boolean;
  /** Why a file cannot be locked here, or null. */
  lockedFileUnavailable: string | null;
}

/** The first line a failed command gave, for a skip reason. */
function whyItFailed(error: unknown): string {
  const stderr = (error as { stderr?: Buffer | string }).stderr?.toString().trim();
  return (stderr || (error instanceof Error ? error.message : String(error))).split('\n')[0]!;
}

/** Mounts a tmpfs on a temp folder, remounts it read-only and unmounts it: what the tests will do. Null when all worked. */
function tmpfsProblem(run: RunCommand): string | null {
  const folder = mkdtempSync(join(tmpdir(), 'headshot-fetcher-mount-probe-'));
  let mounted = false;
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=65536', 'tmpfs', folder]);
    mounted = true;
    run('mount', ['-o', 'remount,ro', folder]);
    return null;
  } catch (error) {
    return whyItFailed(error);
  } finally {
    if (mounted) {
      try {
        run('umount', ['-l', folder]);
      } catch {
        // Left mounted, lazily: nothing the tests use.
      }
    }
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Sets and clears the immutable attribute on a temp file. Null when both worked. */
function chattrProblem(run: RunCommand): string | null {
  const folder = mkdtempSync(join(tmpdir(), 'headshot-fetcher-lock-'));
  const probe = join(folder, 'probe');
  try {
    writeFileSync(probe, '');
    run('chattr', ['+i', probe]);
    run('chattr', ['-i', probe]);
    return null;
  } catch (error) {
    return whyItFailed(error);
  } finally {
    try {
      run('chattr', ['-i', probe]);
    } catch {
      // Never set, or chattr is missing: the folder can go as it is.
    }
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Tries each fault once; who runs where and `run` are given so the skip reasons can be checked without the rights. */
export function probeFaultSupport({ platform, isRoot, run }: { platform: NodeJS.Platform; isRoot: boolean; run: RunCommand }): FaultSupport {
  if (platform !== 'linux' || !isRoot) {
    return {
      smallDiskUnavailable: 'a small disk needs a tmpfs mount: root on Linux',
      // Permission bits hold for everyone but root.
      readOnlyUnavailable: isRoot ? 'root ignores permission bits, and tmpfs mounts are made only on Linux' : null,
      readOnlyByMount: false,
      lockedFileUnavailable: 'locking a file needs chattr +i: root on Linux',
    };
  }
  const mountProblem = tmpfsProblem(run);
  const lockProblem = chattrProblem(run);
  return {
    smallDiskUnavailable: mountProblem && `a small disk needs a tmpfs mount, and mounting is not allowed here (${mountProblem})`,
    readOnlyUnavailable: mountProblem && `root ignores permission bits, and no tmpfs can be mounted here to remount read-only (${mountProblem})`,
    readOnlyByMount: mountProblem === null,
    lockedFileUnavailable: lockProblem && `locking a file needs chattr +i, which is not allowed here (${lockProblem})`,
  };
}

const support = probeFaultSupport({
  platform: process.platform,
  isRoot: process.getuid?.() === 0,
  run: process.env.HEADSHOT_FETCHER_TEST_NO_MOUNTS === '1' ? refusingRun : runCommand,
});

export const { smallDiskUnavailable, readOnlyUnavailable, readOnlyByMount, lockedFileUnavailable } = support;

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

/**
 * Makes a file impossible to replace or delete (the immutable attribute), as Windows refuses to
 * replace a file a spreadsheet holds open; the returned function undoes it.
 */
export function lockFile(path: string): () => void {
  execFileSync('chattr', ['+i', path]);
  return () => execFileSync('chattr', ['-i', path]);
}
