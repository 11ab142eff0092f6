// Checks for what arrives from outside main (the window's requests, a typed key): every payload is
// `unknown` until one of these has read it, and a refusal is an AppError the window can show.
import type { IntakeSource } from '../../preload/api-contract';
import { isValidJobId } from '../../preload/shared/job-ids';
import { maxDropFileBytes } from '../../preload/shared/text-files';
import { AppError } from './app-error';

const keyLengthRange = { min: 8, max: 512 };
/** More IDs than this in one request is not a person's selection (the list itself holds at most as many in a drop). */
export const maxIdsPerRequest = 100_000;
const maxSourcesPerDrop = 1_000;

/** Text dropped or pasted at once; the window refuses larger files before reading them. */
export const maxIntakeTextLength = 64 * 1024 * 1024;

export function expectObject(request: unknown, what: string): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new AppError('invalid-request', `${what} must be an object.`);
  }
  return request as Record<string, unknown>;
}

export function expectIds(value: unknown): string[] {
  if (!Array.isArray(value)) throw new AppError('invalid-request', 'The jobs must be a list of IDs.');
  if (value.length > maxIdsPerRequest) {
    throw new AppError('invalid-request', `At most ${maxIdsPerRequest.toLocaleString('en-US')} jobs can be named in one request; use the whole list, or fewer at a time.`);
  }
  if (!value.every((id) => typeof id === 'string' && isValidJobId(id))) {
    throw new AppError('invalid-request', 'The jobs must be a list of job IDs (whole numbers such as 12202888).');
  }
  return value as string[];
}

/** One job ID, by the same rule. */
export function expectJobId(value: unknown): string {
  if (typeof value !== 'string' || !isValidJobId(value)) throw new AppError('invalid-request', 'The job must be a job ID (a whole number such as 12202888).');
  return value;
}

/** A list of IDs, or the word that stands for all of them. */
export function expectIdsOr<Whole extends string>(value: unknown, whole: Whole): string[] | Whole {
  return value === whole ? whole : expectIds(value);
}

export function expectString(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== 'string') throw new AppError('invalid-request', `${what} must be text.`);
  if (value.length > maxLength) throw new AppError('invalid-request', `${what} is too long.`);
  return value;
}

/** Pasted keys often carry spaces or a line break; anything else unusual is refused before it is stored. */
export function validateApiKey(value: unknown): string {
  const key = expectString(value, 'The API key', 10_000).trim();
  if (key.length < keyLengthRange.min || key.length > keyLengthRange.max || !/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError(
      'invalid-key-format',
      'That does not look like a ModelsLab API key: paste the key from your ModelsLab dashboard (letters and digits, no spaces).',
    );
  }
  return key;
}

export function expectSources(value: unknown): IntakeSource[] {
  if (!Array.isArray(value) || value.length > maxSourcesPerDrop) throw new AppError('invalid-request', 'The drop must be a list of texts.');
  let total = 0;
  return value.map((item) => {
    const source = expectObject(item, 'A dropped item');
    const name = source.name === null ? null : expectString(source.name, 'A file name', 1_000);
    const text = expectString(source.text, 'The dropped text', maxIntakeTextLength);
    total += text.length;
    if (source.bytes === undefined) {
      if (total > maxIntakeTextLength) throw new AppError('invalid-request', 'The drop is too large: drop fewer or smaller files at once.');
      return { name, text };
    }
    // A file's bytes, as base64: no larger than a dropped file may be.
    const bytes = expectString(source.bytes, 'A dropped file', Math.ceil(maxDropFileBytes / 3) * 4);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(bytes)) throw new AppError('invalid-request', 'A dropped file must be sent as base64.');
    total += bytes.length;
    if (total > maxIntakeTextLength) throw new AppError('invalid-request', 'The drop is too large: drop fewer or smaller files at once.');
    return { name, text, bytes };
  });
}
