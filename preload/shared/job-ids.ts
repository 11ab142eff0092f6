/**
 * The rule for a valid job ID, in one place: ModelsLab job IDs are whole numbers (12202888),
 * sent as a path segment. We keep them as strings of 1 to 20 digits without a leading zero, so
 * "012" is never silently turned into another job. A fetch URL (…/fetch/12202888) stands for
 * the ID at its end.
 */
export const jobIdDigits = '[1-9][0-9]{0,19}';
export const jobIdPattern = new RegExp(`^${jobIdDigits}$`);

export function isValidJobId(value: string): boolean {
  return jobIdPattern.test(value);
}

const fetchUrlPattern = /^https?:\/\/\S+\/fetch\/([0-9]+)\/?(?:[?#]\S*)?$/i;

/** The job ID a token stands for (the ID itself or a fetch URL), or null. */
export function idFromToken(token: string): string | null {
  const candidate = fetchUrlPattern.exec(token)?.[1] ?? token;
  return isValidJobId(candidate) ? candidate : null;
}

const maxTokenShown = 40;

export function shortenToken(token: string): string {
  return token.length > maxTokenShown ? `${token.slice(0, maxTokenShown)}…` : token;
}

/** Why a token is not a job ID, in words a person can act on. */
export function reasonForRejecting(token: string): string {
  const candidate = fetchUrlPattern.exec(token)?.[1] ?? token;
  if (/^0[0-9]*$/.test(candidate)) return 'job IDs do not start with 0';
  if (/^[0-9]+$/.test(candidate)) return 'too long for a job ID (at most 20 digits)';
  if (/^-?[0-9]*\.[0-9]+$/.test(candidate) || candidate.startsWith('-')) return 'job IDs are whole positive numbers';
  if (/^https?:\/\//i.test(token)) return 'a link, but not a fetch link ending in a job ID';
  return 'not a job ID: IDs are numbers like 12202888';
}

/**
 * Almost a job ID: digits with one thing wrong (too long, a leading 0, a sign or a decimal point), a
 * number JSON cannot hold, a link that is not a fetch link. These are what a person mistyped or
 * mis-exported, so they are listed first, as written; words, names and emails come after.
 */
export function isNearMiss(rejected: { reason: string }): boolean {
  return !rejected.reason.startsWith('not a job ID');
}
