// How the benches record their figures: a repeated figure as the median and the range of its runs,
// and every figure once more in a table at the end.

export type Record = (what: string, value: string) => void;

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** "median 49 ms (range 41–66, 7 runs)"; a figure of fewer than 5 runs says so, and why when given. */
export const spread = (values: readonly number[], unit: string, digits = 0, fewerBecause = ''): string => {
  const fewer = values.length < 5 ? `, fewer than 5${fewerBecause ? `: ${fewerBecause}` : ''}` : '';
  return `median ${median(values).toFixed(digits)} ${unit} (range ${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}, ${values.length} runs${fewer})`;
};

/** Prints each figure as it comes, and `printTable` all of them as a Markdown table (for the README). */
export function createRecorder(): { record: Record; printTable: () => void } {
  const results: Array<[string, string]> = [];
  return {
    record: (what, value) => {
      results.push([what, value]);
      console.log(`${what}: ${value}`);
    },
    printTable: () => {
      console.log('\n| measure | result |\n|---|---|');
      for (const [what, value] of results) console.log(`| ${what} | ${value} |`);
    },
  };
}
