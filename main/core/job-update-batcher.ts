import type { JobView } from '../../preload/api-contract';
import { batchPieces } from '../../preload/shared/job-pieces';
import type { Clock } from './clock';

/**
 * Job updates gathered for a moment and sent together, the latest view of each job once, so a
 * burst of changes is one message rather than thousands.
 */
export function createJobUpdateBatcher({ clock, delayMs, send }: { clock: Clock; delayMs: number; send: (views: JobView[]) => void }) {
  const pending = new Map<string, JobView>();
  let cancelScheduled: (() => void) | null = null;

  function flush(): void {
    cancelScheduled?.();
    cancelScheduled = null;
    if (pending.size === 0) return;
    const views = [...pending.values()];
    pending.clear();
    for (const [start, end] of batchPieces(views.length)) send(views.slice(start, end));
  }

  return {
    add(view: JobView): void {
      pending.set(view.id, view);
      cancelScheduled ??= clock.schedule(flush, delayMs);
    },
    /** Sends what is waiting now: before a removal, so a late update cannot bring a removed job back. */
    flush,
  };
}

