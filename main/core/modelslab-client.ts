import { excerpt, parseFetchAnswer, type FetchAnswer } from './api-response';
import { describeCause, networkFailureOf, type NetworkFailure } from './error-cause';

/** The fetch the core uses: Electron's net.fetch in the app, Node's fetch in tests and the CLI. */
export type FetchFunction = (url: string, init?: RequestInit) => Promise<Response>;

/** `failure` tells an unreachable endpoint (the queue pauses) from one request gone wrong (that job retries). */
export type FetchOutcome = FetchAnswer | { kind: 'network-error'; message: string; failure: NetworkFailure };

/** What a probe of the endpoint found: any HTTP answer at all means it can be reached. */
export type ProbeResult = { reachable: true } | { reachable: false; message: string; failure: NetworkFailure };

/** A probe asks for no more than this, whatever the request timeout. */
const maxProbeTimeoutMs = 10_000;

export const defaultEndpointTemplate = 'https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/{id}';

/**
 * Hosts that are ModelsLab's own API, by exact name: the key may go there without asking. A
 * wildcard would let any subdomain someone manages to get (or a look-alike) receive the key.
 */
export const modelsLabApiHosts: readonly string[] = ['modelslab.com', 'stablediffusionapi.com'];

/** Whether an endpoint URL is ModelsLab's own API over https. */
export function isModelsLabEndpoint(url: URL): boolean {
  return url.protocol === 'https:' && url.port === '' && modelsLabApiHosts.includes(url.hostname.toLowerCase());
}

export interface ModelsLabClientOptions {
  fetch: FetchFunction;
  /**
   * The endpoint to send the key to now. It may wait (the app asks the person to confirm a host
   * first); the signal says when the request is no longer wanted.
   */
  endpointTemplate: (signal?: AbortSignal) => string | Promise<string>;
  requestTimeoutMs: number;
  /** The clock a rate limit's dates are counted on (the queue's). */
  now?: () => number;
}

export function fetchUrlFor(endpointTemplate: string, jobId: string): string {
  return endpointTemplate.replaceAll('{id}', encodeURIComponent(jobId));
}

/**
 * The API's answers are a few kilobytes; anything past this is cut off, so that an endpoint sending
 * without end cannot fill the memory.
 */
export const maxAnswerBytes = 2 * 1024 * 1024;

/** Hex digits of a character code, each letter in either case: `\u00e9` and `\u00E9` are the same escape. */
const hexPattern = (code: number, digits: number) =>
  [...code.toString(16).padStart(digits, '0')].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Each character of the key as sent, JSON-escaped (`\"`, `\/`, `\u0041`) or URL-encoded (`%41`), in any mix. */
function keyPattern(apiKey: string): RegExp {
  const characters = [...apiKey].map((character) => {
    const code = character.charCodeAt(0);
    const forms = [escapeRegExp(character), `\\\\u${hexPattern(code, 4)}`, `%${hexPattern(code, 2)}`];
    if (character === '"' || character === '\\' || character === '/') forms.push(escapeRegExp(`\\${character}`));
    return `(?:${forms.join('|')})`;
  });
  return new RegExp(characters.join(''), 'g');
}

let lastPattern: { key: string; pattern: RegExp } | null = null;

/** Removes the key from any text that might reach a person or a log: as sent, JSON-escaped or URL-encoded. */
export function redactKey(text: string, apiKey: string): string {
  if (apiKey.length < 4) return text;
  if (lastPattern?.key !== apiKey) lastPattern = { key: apiKey, pattern: keyPattern(apiKey) };
  const { pattern } = lastPattern;
  pattern.lastIndex = 0;
  // Checked first: most texts hold no key, and a run of 100,000 messages should not copy them all.
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, '[key removed]');
}

/** Reads at most `limit` bytes of the body; past it, `tooLarge` and the rest is never read. */
async function readCapped(response: Response, limit: number, stop: () => void): Promise<{ text: string; tooLarge: boolean }> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (!response.body) return { text: '', tooLarge: false };
  const reader = response.body.getReader();
  if (Number.isFinite(declared) && declared > limit) {
    stop();
    void reader.cancel().catch(() => undefined);
    return { text: '', tooLarge: true };
  }
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes + value.byteLength > limit) {
      parts.push(decoder.decode(value.subarray(0, limit - bytes)));
      // Aborting closes the connection: the server's remaining bytes are never received.
      stop();
      void reader.cancel().catch(() => undefined);
      return { text: parts.join(''), tooLarge: true };
    }
    bytes += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return { text: parts.join(''), tooLarge: false };
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    return `ModelsLab did not answer within ${limit}`;
  }
  return `Could not reach ModelsLab (${describeCause(error)})`;
}

export function createModelsLabClient({ fetch, endpointTemplate, requestTimeoutMs, now = Date.now }: ModelsLabClientOptions) {
  /** Asks for one job's results. Never throws: every failure is an outcome. */
  async function fetchJob(jobId: string, apiKey: string, signal?: AbortSignal): Promise<FetchOutcome> {
    const tooLargeStop = new AbortController();
    try {
      // Asked first, and the time limit starts after: a confirmation dialog may take its time.
      // Without a wait when there is nothing to ask: the request then leaves at once.
      const chosen = endpointTemplate(signal);
      const template = typeof chosen === 'string' ? chosen : await chosen;
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      const response = await fetch(fetchUrlFor(template, jobId), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ key: apiKey }),
        signal: AbortSignal.any([tooLargeStop.signal, timeout, ...(signal ? [signal] : [])]),
        redirect: 'error',
      });
      const { text: bodyText, tooLarge } = await readCapped(response, maxAnswerBytes, () => tooLargeStop.abort());
      if (tooLarge) {
        // The queue says what comes next (asked again, or given up after its retries).
        return {
          kind: 'unexpected',
          message: `ModelsLab sent an answer larger than ${maxAnswerBytes / 1048576} MB, which is not a real answer; it was cut off`,
          httpStatus: response.status,
          rawExcerpt: excerpt(redactKey(bodyText.slice(0, 4096), apiKey)),
        };
      }
      const answer = parseFetchAnswer({
        httpStatus: response.status,
        retryAfterHeader: response.headers.get('retry-after'),
        rateLimitResetHeader: response.headers.get('x-ratelimit-reset'),
        receivedAt: now(),
        bodyText: redactKey(bodyText, apiKey),
      });
      return 'message' in answer && answer.message !== null ? { ...answer, message: redactKey(answer.message, apiKey) } : answer;
    } catch (error) {
      return { kind: 'network-error', message: redactKey(describeNetworkError(error, requestTimeoutMs), apiKey), failure: networkFailureOf(error) };
    }
  }

  /**
   * Checks whether the endpoint's server answers at all: a HEAD of its root, without the key. Any
   * HTTP status counts as reachable; only a request that gets no answer does not.
   */
  async function probe(signal?: AbortSignal): Promise<ProbeResult> {
    const timeoutMs = Math.min(requestTimeoutMs, maxProbeTimeoutMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      // Only a host the key may go to is probed, though the probe itself carries no key.
      const chosen = endpointTemplate(signal);
      const template = typeof chosen === 'string' ? chosen : await chosen;
      const response = await fetch(new URL('/', fetchUrlFor(template, 'probe')).href, {
        method: 'HEAD',
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      await response.body?.cancel().catch(() => undefined);
      return { reachable: true };
    } catch (error) {
      return { reachable: false, message: describeNetworkError(error, timeoutMs), failure: networkFailureOf(error) };
    }
  }

  return { fetchJob, probe };
}

export type ModelsLabClient = ReturnType<typeof createModelsLabClient>;
