// Collects what arrives between two frames and hands it over once, at the next frame: a storm of
// job events then costs one update of the list and one redraw per frame, however many arrive.

export interface FrameQueue<T> {
  push(item: T): void;
  /** Hands over what is waiting now, without waiting for the frame (before a snapshot replaces it, say). */
  flush(): void;
}

export interface FrameBudget<T> {
  /** How much work an item is (the number of jobs in an event, say). */
  weigh(item: T): number;
  /** Items beyond this much work wait for the next frame, so one frame never takes too long. */
  maxWeightPerFrame: number;
  /**
   * The budget of a frame that follows a quiet one: the first rows of a big batch are drawn at
   * once, before the frames that take the bulk of it.
   */
  maxWeightAfterQuiet?: number;
}

/** `schedule` is requestAnimationFrame in the window; tests pass their own. */
export function createFrameQueue<T>(schedule: (run: () => void) => void, deliver: (items: T[]) => void, budget?: FrameBudget<T>): FrameQueue<T> {
  let waiting: T[] = [];
  let scheduled = false;
  /** Whether the last frame left work for this one: a burst under way, not its first frame. */
  let busy = false;
  const scheduleFrame = () => {
    if (scheduled) return;
    scheduled = true;
    schedule(onFrame);
  };
  /** Everything waiting, or at a frame with a budget, as much as fits (always at least one item). */
  const take = (all: boolean): T[] => {
    if (all || !budget) return waiting.splice(0);
    const limit = busy ? budget.maxWeightPerFrame : (budget.maxWeightAfterQuiet ?? budget.maxWeightPerFrame);
    let weight = 0;
    let count = 0;
    while (count < waiting.length && (count === 0 || weight + budget.weigh(waiting[count]!) <= limit)) {
      weight += budget.weigh(waiting[count]!);
      count += 1;
    }
    return waiting.splice(0, count);
  };
  const deliverWaiting = (all: boolean) => {
    if (waiting.length === 0) return;
    deliver(take(all));
    busy = waiting.length > 0;
    if (busy) scheduleFrame();
  };
  function onFrame() {
    scheduled = false;
    deliverWaiting(false);
  }
  return {
    push(item) {
      waiting.push(item);
      scheduleFrame();
    },
    flush: () => deliverWaiting(true),
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
