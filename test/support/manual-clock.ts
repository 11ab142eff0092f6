// A Clock whose time moves only when the test says: timers fall due in `advance`, never on their own,
// so a test of spacing (backoff, holds, polls) asserts exact delays whatever the load on the machine.
import type { Clock } from '../../main/core/clock';

interface Timer {
  dueAt: number;
  /** Order of scheduling, so timers due at the same time run in the order they were set. */
  sequence: number;
  callback: () => void;
}

export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, running every timer that falls due on the way, each at its own
   * time (so `now()` inside a callback is its due time). Timers set by a callback run too when they
   * fall due within the same advance. `advance(0)` runs what is due now.
   */
  advance(ms: number): void;
  /** How long until each waiting timer is due, soonest first. */
  pendingDelays(): number[];
}

export function createManualClock(startMs = 1_700_000_000_000): ManualClock {
  let now = startMs;
  let sequence = 0;
  const timers = new Set<Timer>();

  const nextDue = (until: number): Timer | null => {
    let next: Timer | null = null;
    for (const timer of timers) {
      if (timer.dueAt > until) continue;
      if (!next || timer.dueAt < next.dueAt || (timer.dueAt === next.dueAt && timer.sequence < next.sequence)) next = timer;
    }
    return next;
  };

  return {
    now: () => now,
    schedule(callback, delayMs) {
      const timer: Timer = { dueAt: now + Math.max(0, delayMs), sequence: sequence++, callback };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    advance(ms) {
      if (ms < 0) throw new Error('time only moves forward');
      const target = now + ms;
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        timers.delete(timer);
        now = timer.dueAt;
        timer.callback();
      }
      now = target;
    },
    pendingDelays: () => [...timers].map((timer) => timer.dueAt - now).sort((a, b) => a - b),
  };
}
