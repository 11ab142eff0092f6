// Every answer of the fetch endpoint is parsed here, once, into a typed union.
// ModelsLab's documentation disagrees with itself, so this reads loosely and branches on the JSON
// `status` first, the HTTP code second.

export type FetchAnswer =
  /** `alternateUrls[i]`: other links to image i (`proxy_links`, `future_links`), tried when its own link fails. */
  /** `nsfwDetected`: ModelsLab flagged the images, which may then be blank. */
  | { kind: 'success'; outputUrls: string[]; alternateUrls: string[][]; nsfwDetected: boolean }
  | { kind: 'processing'; etaSeconds: number | null }
  /** Final for this job: the generation failed, or the API refused this ID. */
  | { kind: 'failed'; message: string; httpStatus: number }
  /** Final for the whole queue until the user enters another key. */
  | { kind: 'key-rejected'; message: string }
  /**
   * About the account, not the job: no credits left (402), or the plan or key may not do this (403).
   * The whole queue waits until the user has dealt with it. `message` is ModelsLab's, when it gave one.
   */
  | { kind: 'account-refused'; httpStatus: 402 | 403; message: string | null }
  | { kind: 'rate-limited'; message: string; retryAfterSeconds: number | null }
  /** Anything else: gateway pages, empty or invalid bodies, 5xx. Worth trying again. */
  | { kind: 'unexpected'; message: string; httpStatus: number; rawExcerpt: string };

const rawExcerptLength = 300;

export interface RawAnswer {
  httpStatus: number;
  /** `Retry-After`: seconds, or an HTTP date. */
  retryAfterHeader: string | null;
  /** `X-RateLimit-Reset`: when the limit resets, in seconds since 1970. */
  rateLimitResetHeader?: string | null;
  /** When the answer came (ms since 1970), which the dates above are counted from. */
  receivedAt?: number;
  bodyText: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `message` or the legacy `messege`; a string, or an object of field → list of messages. */
export function apiMessage(body: Json): string | null {
  const message = body.message ?? body.messege;
  if (typeof message === 'string') return message.trim() || null;
  if (isObject(message)) {
    const parts = Object.entries(message).map(([field, value]) => {
      const texts = Array.isArray(value) ? value.map(String) : [String(value)];
      return `${field}: ${texts.join(' ')}`;
    });
    return parts.join('; ') || null;
  }
  return null;
}

/** A list of links, an object whose values are links, or one link on its own (`output` has been seen as one string). */
function urlsFrom(value: unknown): string[] {
  const candidates = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [value];
  return candidates.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((url) => url.trim());
}

/** The fields that may hold a finished job's image links, in the order they are trusted. */
const linkFields = ['output', 'output_url', 'proxy_links', 'future_links'] as const;

/** Where a finished job's images are: `output`, else `output_url` (ModelsLab's CLI reads it), else `proxy_links`, else `future_links`. */
export function readOutputUrls(body: Json): string[] {
  return readImageLinks(body).outputUrls;
}

/** The fields that hold second links to the same images, position for position. */
const alternateFields = ['proxy_links', 'future_links'] as const;

/**
 * The image links, and for each image the links the other fields give at the same position: a
 * second source when the first fails (an R2 link gone while the CDN still has the file).
 */
export function readImageLinks(body: Json): { outputUrls: string[]; alternateUrls: string[][] } {
  const field = linkFields.find((name) => urlsFrom(body[name]).length > 0);
  if (field === undefined) return { outputUrls: [], alternateUrls: [] };
  const outputUrls = urlsFrom(body[field]);
  const others = alternateFields.filter((name) => name !== field).map((name) => urlsFrom(body[name]));
  const alternateUrls = outputUrls.map((url, index) => {
    const seen = new Set([url]);
    return others.flatMap((links) => {
      const alternate = links[index];
      if (alternate === undefined || seen.has(alternate)) return [];
      seen.add(alternate);
      return [alternate];
    });
  });
  return { outputUrls, alternateUrls };
}

/** `nsfw_content_detected`: `true`, or a list of what was flagged; a list of nothing but `false` flags nothing. */
export function readNsfwFlag(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => item !== false && item !== null && item !== 0 && item !== '');
  return value === true || value === 'true';
}

function secondsFrom(value: unknown): number | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** Epoch seconds are past this; a smaller X-RateLimit-Reset is a count of seconds, as some gateways send. */
const epochSecondsFloor = 1_000_000_000;

/**
 * How long a rate limit asks to wait, from whichever place names it: `retry_after` in the body,
 * `Retry-After` in seconds or as an HTTP date, or `X-RateLimit-Reset`; null when none does.
 */
export function rateLimitWaitSeconds(body: Json | null, raw: RawAnswer): number | null {
  const fromBody = body ? secondsFrom(body.retry_after) : null;
  if (fromBody !== null) return fromBody;
  const receivedAt = raw.receivedAt ?? Date.now();
  const header = raw.retryAfterHeader?.trim() ?? '';
  if (header !== '') {
    const seconds = /^\d+(\.\d+)?$/.test(header) ? Number(header) : null;
    if (seconds !== null) return seconds;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, (date - receivedAt) / 1000);
  }
  const reset = secondsFrom(raw.rateLimitResetHeader?.trim() || undefined);
  if (reset !== null) return reset < epochSecondsFloor ? reset : Math.max(0, (reset * 1000 - receivedAt) / 1000);
  return null;
}

const invalidKeyPattern = /invalid\s*api\s*key|api\s*key\s*(is\s*)?invalid|invalid\s*key/i;
const rateLimitPattern = /rate\s*limit|too many requests/i;

export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > rawExcerptLength ? `${flat.slice(0, rawExcerptLength)}…` : flat;
}

// 4xx answers that no retry will change, worded for the person reading the row.
const jobRefusals: Record<number, string> = {
  400: 'ModelsLab rejected the request for this job',
  404: 'ModelsLab does not know this job ID',
};

function describeHttp(status: number): string {
  if (status >= 500) return `ModelsLab answered with a server error (HTTP ${status})`;
  if (status === 429) return 'ModelsLab is rate limiting requests';
  return `ModelsLab answered HTTP ${status} with a body that is not the API's JSON`;
}

export function parseFetchAnswer(raw: RawAnswer): FetchAnswer {
  const { httpStatus, bodyText } = raw;
  let body: unknown;
  try {
    body = bodyText.trim() === '' ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }

  if (!isObject(body) || typeof body.status !== 'string') {
    if (httpStatus === 401) return { kind: 'key-rejected', message: 'ModelsLab rejected the API key (HTTP 401).' };
    if (httpStatus === 402 || httpStatus === 403) return { kind: 'account-refused', httpStatus, message: null };
    if (httpStatus === 429) {
      return { kind: 'rate-limited', message: describeHttp(429), retryAfterSeconds: rateLimitWaitSeconds(null, raw) };
    }
    const finalForJob = jobRefusals[httpStatus];
    if (finalForJob) return { kind: 'failed', message: `${finalForJob} (HTTP ${httpStatus}).`, httpStatus };
    const what = isObject(body) ? 'an answer with no status' : bodyText.trim() === '' ? 'an empty answer' : 'an answer that is not JSON';
    const message = httpStatus >= 200 && httpStatus < 300 ? `ModelsLab sent ${what} (HTTP ${httpStatus})` : describeHttp(httpStatus);
    return { kind: 'unexpected', message, httpStatus, rawExcerpt: excerpt(bodyText) };
  }

  const status = body.status.toLowerCase();
  const message = apiMessage(body);

  if (status === 'success') return { kind: 'success', ...readImageLinks(body), nsfwDetected: readNsfwFlag(body.nsfw_content_detected) };
  if (status === 'processing') return { kind: 'processing', etaSeconds: secondsFrom(body.eta) };

  if (httpStatus === 401 || (message !== null && invalidKeyPattern.test(message))) {
    return { kind: 'key-rejected', message: message ?? 'ModelsLab rejected the API key.' };
  }
  if (httpStatus === 402 || httpStatus === 403) return { kind: 'account-refused', httpStatus, message };
  if (httpStatus === 429 || (message !== null && rateLimitPattern.test(message))) {
    return {
      kind: 'rate-limited',
      message: message ?? describeHttp(429),
      retryAfterSeconds: rateLimitWaitSeconds(body, raw),
    };
  }
  if (httpStatus >= 500) {
    return { kind: 'unexpected', message: message ?? describeHttp(httpStatus), httpStatus, rawExcerpt: excerpt(bodyText) };
  }
  if (status === 'failed' || status === 'error') {
    return { kind: 'failed', message: message ?? `The job ${status === 'failed' ? 'failed' : 'returned an error'}.`, httpStatus };
  }
  return {
    kind: 'unexpected',
    message: `ModelsLab answered with an unknown status "${excerpt(body.status)}"`,
    httpStatus,
    rawExcerpt: excerpt(bodyText),
  };
}
