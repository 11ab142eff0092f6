// Collects what arrives between two frames and hands it over once, at the next frame: a storm of
// job events then costs one update of the list and one redraw per frame, however many arrive.

export interface FrameQueue<T> {
  push(item: T): void;
  /** Hands over what is waiting now, without waiting for the frame (before a snapshot replaces it, say). */
  flush(): void;
}

/** `schedule` is requestAnimationFrame in the window; tests pass their own. */
export function createFrameQueue<T>(schedule: (run: () => void) => void, deliver: (items: T[]) => void): FrameQueue<T> {
  let waiting: T[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (waiting.length === 0) return;
    const items = waiting;
    waiting = [];
    deliver(items);
  };
  return {
    push(item) {
      waiting.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

/**
 * The next frame, or a timer when frames stop coming (a hidden or minimized window gets none):
 * events then keep being applied, a few times a second, instead of piling up.
 */
export function animationFrameOrTimeout(run: () => void, timeoutMs = 500): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    run();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, timeoutMs);
}
