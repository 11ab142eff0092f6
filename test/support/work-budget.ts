// Cost measured as work, not as elapsed time, so a busy machine cannot fail a test of speed:
// arrays (and maps) that count how often their items are read and throw once a budget is spent
// (a linear algorithm stays within a few reads per item; a quadratic one spends the budget at once),
// and the processor time a call took, which other processes' load does not add to.

export interface ReadBudget {
  /** Items read so far through the counted arrays and maps. */
  readonly reads: number;
  /** Counts one read; throws once the budget is spent. */
  spend(): void;
}

export function readBudget(limit: number, what: string): ReadBudget {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    spend() {
      reads += 1;
      if (reads > limit) throw new Error(`${what}: more than ${limit} reads, so the work grows faster than the number of jobs`);
    },
  };
}

const isIndex = (property: string | symbol) => typeof property === 'string' && /^(0|[1-9]\d*)$/.test(property);

/** The same array, with every read of an item counted against the budget. */
export function countedArray<T>(items: T[], budget: ReadBudget): T[] {
  return new Proxy(items, {
    get(target, property, receiver) {
      if (isIndex(property)) budget.spend();
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** A Map whose `get` calls, and each item a walk over it yields, are counted against the budget. */
export function countedMap<K, V>(entries: Map<K, V>, budget: ReadBudget): Map<K, V> {
  const counted = new Map(entries);
  const get = counted.get.bind(counted);
  counted.get = (key: K) => {
    budget.spend();
    return get(key);
  };
  const walk = <T>(items: IterableIterator<T>): MapIterator<T> =>
    (function* () {
      for (const item of items) {
        budget.spend();
        yield item;
      }
    })() as MapIterator<T>;
  counted.values = () => walk(Map.prototype.values.call(counted) as MapIterator<V>);
  counted.keys = () => walk(Map.prototype.keys.call(counted) as MapIterator<K>);
  counted.entries = () => walk(Map.prototype.entries.call(counted) as MapIterator<[K, V]>);
  counted[Symbol.iterator] = counted.entries;
  counted.forEach = (each) => {
    for (const [key, value] of counted.entries()) each(value, key, counted);
  };
  return counted;
}

/**
 * The processor time (user and system) this process spent in `work`, in milliseconds: unlike the
 * elapsed time, it does not grow while other processes have the CPU. For work the counters cannot
 * see (a quadratic loop over an array of the code's own), with a limit far above the linear cost.
 */
export function cpuMillisecondsOf<T>(work: () => T): { result: T; cpuMs: number } {
  const before = process.cpuUsage();
  const result = work();
  const spent = process.cpuUsage(before);
  return { result, cpuMs: (spent.user + spent.system) / 1000 };
}
