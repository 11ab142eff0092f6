import type { JobView } from '../../preload/api-contract';
import { batchPieces, restOfBigBatchAfterMs } from '../../preload/shared/job-pieces';
import type { Clock } from './clock';

/**
 * Job updates gathered for a moment and sent together, the latest view of each job once, so a
 * burst of changes is one message rather than thousands. A big batch is sent in pieces: the first
 * (a screenful) at once, the rest `restDelayMs` later, so the window draws the first rows before
 * it spends its time decoding the others.
 */
export function createJobUpdateBatcher({
  clock,
  delayMs,
  restDelayMs = restOfBigBatchAfterMs,
  send,
}: {
  clock: Clock;
  delayMs: number;
  restDelayMs?: number;
  send: (views: JobView[]) => void;
}) {
  const pending = new Map<string, JobView>();
  let cancelScheduled: (() => void) | null = null;
  /** The pieces of a big batch still to send after its first. */
  let following: JobView[][] = [];
  let cancelFollowing: (() => void) | null = null;

  function sendFollowing(): void {
    cancelFollowing?.();
    cancelFollowing = null;
    const pieces = following;
    following = [];
    pieces.forEach(send);
  }

  function flush(): void {
    cancelScheduled?.();
    cancelScheduled = null;
    // The rest of an earlier batch goes first: the messages keep the order of the changes.
    sendFollowing();
    if (pending.size === 0) return;
    const views = [...pending.values()];
    pending.clear();
    const [first, ...rest] = batchPieces(views.length).map(([start, end]) => views.slice(start, end));
    send(first!);
    if (rest.length === 0) return;
    following = rest;
    cancelFollowing = clock.schedule(sendFollowing, restDelayMs);
  }

  return {
    add(view: JobView): void {
      pending.set(view.id, view);
      cancelScheduled ??= clock.schedule(flush, delayMs);
    },
    /** Sends what is waiting now, the rest of a big batch included: before a removal, so a late update cannot bring a removed job back. */
    flush,
  };
}

