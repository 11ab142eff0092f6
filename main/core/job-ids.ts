import type { RejectedToken } from '../../preload/api-contract';

/**
 * The rule for a valid job ID, in one place: ModelsLab job IDs are whole numbers (12202888),
 * sent as a path segment. We keep them as strings of 1 to 20 digits, without leading zeros,
 * so "012" is not silently turned into another job.
 */
export const jobIdPattern = /^[1-9][0-9]{0,19}$/;

export function isValidJobId(value: string): boolean {
  return jobIdPattern.test(value);
}

/** A fetch URL such as https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/12202888 */
const fetchUrlPattern = /\/fetch\/([0-9]+)\/?(?:[?#].*)?$/;

const separators = /[\s,;]+/;
const maxTokenShown = 40;

export interface ParsedIds {
  /** Valid IDs in the order they appeared, without repeats. */
  ids: string[];
  /** How many valid IDs repeated one seen earlier in the same text. */
  repeats: number;
  rejected: RejectedToken[];
}

function shorten(token: string): string {
  return token.length > maxTokenShown ? `${token.slice(0, maxTokenShown)}…` : token;
}

function reasonFor(token: string): string {
  if (/^0[0-9]*$/.test(token)) return 'job IDs do not start with 0';
  if (/^[0-9]+$/.test(token)) return 'too long for a job ID (at most 20 digits)';
  if (/^-?[0-9]*\.[0-9]+$/.test(token) || token.startsWith('-')) return 'job IDs are whole positive numbers';
  return 'not a job ID: IDs are numbers like 12202888';
}

/** Takes job IDs out of pasted or dropped text: lines, commas, semicolons, spaces, tabs, fetch URLs. */
export function parseJobIds(text: string): ParsedIds {
  const seen = new Set<string>();
  const ids: string[] = [];
  const rejected: RejectedToken[] = [];
  let repeats = 0;
  for (const rawToken of text.split(separators)) {
    // Quotes and brackets come with IDs copied out of spreadsheets and JSON.
    const token = rawToken.replace(/^["'[({]+|["'\])}]+$/g, '');
    if (token === '') continue;
    const fromUrl = fetchUrlPattern.exec(token)?.[1];
    const candidate = fromUrl ?? token;
    if (!isValidJobId(candidate)) {
      rejected.push({ token: shorten(token), reason: reasonFor(candidate) });
      continue;
    }
    if (seen.has(candidate)) {
      repeats += 1;
      continue;
    }
    seen.add(candidate);
    ids.push(candidate);
  }
  return { ids, repeats, rejected };
}
