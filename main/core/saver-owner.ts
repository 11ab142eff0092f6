// Who a file in a shared folder belongs to: every saver (an app, a command line, on this machine or
// another one saving into the same network share) has a tag, carried by its temporary files, its
// journal, its heartbeat and the lock while it holds it. A file is another saver's to remove only
// once that saver is gone.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export interface SaverOwner {
  /** The machine's name, as a file name may carry it (letters, digits, "-"), with a hash of the real name. */
  hostLabel: string;
  pid: number;
  /** Random, so that a pid used again after a crash is not taken for the saver that had it. */
  token: string;
  /** `hostLabel~pid~token`: what file names carry. */
  tag: string;
}

/** Two names that clean up alike ("a.b", "a_b") stay apart by the hash of the real name. */
export function hostLabelOf(host: string): string {
  const readable = host.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 32) || 'host';
  return `${readable}-${createHash('sha256').update(host).digest('hex').slice(0, 6)}`;
}

export function makeOwner(host: string, pid: number, token = randomBytes(4).toString('hex')): SaverOwner {
  const hostLabel = hostLabelOf(host);
  return { hostLabel, pid, token, tag: `${hostLabel}~${pid}~${token}` };
}

const tagPattern = /^([A-Za-z0-9-]+)~(\d+)~([0-9a-f]+)$/;

export function parseOwnerTag(tag: string): SaverOwner | null {
  const match = tagPattern.exec(tag);
  return match ? { hostLabel: match[1]!, pid: Number(match[2]), token: match[3]!, tag } : null;
}

/** This process, as a saver. */
export const thisSaver: SaverOwner = makeOwner(hostname(), process.pid);

/** Whether a process of this machine is running (a pid of another machine says nothing here). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A saver of this machine whose process has ended; for one of another machine, always false. */
export function endedOnThisMachine(owner: SaverOwner, self: SaverOwner = thisSaver, runs: (pid: number) => boolean = processRuns): boolean {
  if (owner.hostLabel !== self.hostLabel) return false;
  // The same pid with another token: this process got the pid of one that ended.
  return owner.pid === self.pid ? owner.token !== self.token : !runs(owner.pid);
}
