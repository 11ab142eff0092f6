// How the benches print a repeated figure: the median and the range of its runs.

export type Record = (what: string, value: string) => void;

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const spread = (values: readonly number[], unit: string, digits = 0): string =>
  `median ${median(values).toFixed(digits)} ${unit} (range ${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}, ${values.length} runs)`;
