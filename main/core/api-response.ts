// Every answer of the fetch endpoint is parsed here, once, into a typed union.
// ModelsLab's documentation disagrees with itself, so this reads loosely and branches on the JSON
// `status` first, the HTTP code second.

export type FetchAnswer =
  | { kind: 'success'; outputUrls: string[] }
  | { kind: 'processing'; etaSeconds: number | null }
  /** Final for this job: the generation failed, or the API refused this ID. */
  | { kind: 'failed'; message: string; httpStatus: number }
  /** Final for the whole queue until the user enters another key. */
  | { kind: 'key-rejected'; message: string }
  | { kind: 'rate-limited'; message: string; retryAfterSeconds: number | null }
  /** Anything else: gateway pages, empty or invalid bodies, 5xx. Worth trying again. */
  | { kind: 'unexpected'; message: string; httpStatus: number; rawExcerpt: string };

const rawExcerptLength = 300;

export interface RawAnswer {
  httpStatus: number;
  retryAfterHeader: string | null;
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

function urlsFrom(value: unknown): string[] {
  const candidates = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  return candidates.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((url) => url.trim());
}

/** Where a finished job's images are: `output`, else `proxy_links`, else `future_links`. */
export function readOutputUrls(body: Json): string[] {
  for (const field of ['output', 'proxy_links', 'future_links']) {
    const urls = urlsFrom(body[field]);
    if (urls.length > 0) return urls;
  }
  return [];
}

function secondsFrom(value: unknown): number | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
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
  402: 'ModelsLab says the account has no credits left',
  403: 'ModelsLab refused access to this job',
  404: 'ModelsLab does not know this job ID',
};

function describeHttp(status: number): string {
  if (status >= 500) return `ModelsLab answered with a server error (HTTP ${status})`;
  if (status === 429) return 'ModelsLab is rate limiting requests';
  return `ModelsLab answered HTTP ${status} with a body that is not the API's JSON`;
}

export function parseFetchAnswer({ httpStatus, retryAfterHeader, bodyText }: RawAnswer): FetchAnswer {
  let body: unknown;
  try {
    body = bodyText.trim() === '' ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }

  if (!isObject(body) || typeof body.status !== 'string') {
    if (httpStatus === 401) return { kind: 'key-rejected', message: 'ModelsLab rejected the API key (HTTP 401).' };
    if (httpStatus === 429) {
      return { kind: 'rate-limited', message: describeHttp(429), retryAfterSeconds: secondsFrom(retryAfterHeader) };
    }
    const finalForJob = jobRefusals[httpStatus];
    if (finalForJob) return { kind: 'failed', message: `${finalForJob} (HTTP ${httpStatus}).`, httpStatus };
    const what = isObject(body) ? 'an answer with no status' : bodyText.trim() === '' ? 'an empty answer' : 'an answer that is not JSON';
    const message = httpStatus >= 200 && httpStatus < 300 ? `ModelsLab sent ${what} (HTTP ${httpStatus})` : describeHttp(httpStatus);
    return { kind: 'unexpected', message, httpStatus, rawExcerpt: excerpt(bodyText) };
  }

  const status = body.status.toLowerCase();
  const message = apiMessage(body);

  if (status === 'success') return { kind: 'success', outputUrls: readOutputUrls(body) };
  if (status === 'processing') return { kind: 'processing', etaSeconds: secondsFrom(body.eta) };

  if (httpStatus === 401 || (message !== null && invalidKeyPattern.test(message))) {
    return { kind: 'key-rejected', message: message ?? 'ModelsLab rejected the API key.' };
  }
  if (httpStatus === 429 || (message !== null && rateLimitPattern.test(message))) {
    return {
      kind: 'rate-limited',
      message: message ?? describeHttp(429),
      retryAfterSeconds: secondsFrom(body.retry_after) ?? secondsFrom(retryAfterHeader),
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
