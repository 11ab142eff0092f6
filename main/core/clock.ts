/** Time, injected so tests and the CLI can run the same engine. */
export interface Clock {
  now(): number;
  /** Calls `callback` after `delayMs`; the returned function cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};

/** Runs at most `limit` tasks at once; the rest wait their turn in order. */
export function createLimiter(limit: () => number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  const next = () => {
    while (running < Math.max(1, limit()) && waiting.length > 0) {
      running += 1;
      waiting.shift()?.();
    }
  };
  return function run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            next();
          });
      });
      next();
    });
  };
}
