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
