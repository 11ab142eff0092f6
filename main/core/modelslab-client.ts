import { parseFetchAnswer, type FetchAnswer } from './api-response';
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

export interface ModelsLabClientOptions {
  fetch: FetchFunction;
  endpointTemplate: () => string;
  requestTimeoutMs: number;
  /** The clock a rate limit's dates are counted on (the queue's). */
  now?: () => number;
}

export function fetchUrlFor(endpointTemplate: string, jobId: string): string {
  return endpointTemplate.replaceAll('{id}', encodeURIComponent(jobId));
}

/** Removes the key from any text that might reach a person or a log. */
export function redactKey(text: string, apiKey: string): string {
  return apiKey.length >= 4 ? text.split(apiKey).join('[key removed]') : text;
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
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    try {
      const response = await fetch(fetchUrlFor(endpointTemplate(), jobId), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ key: apiKey }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
      const bodyText = await response.text();
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
      const response = await fetch(new URL('/', fetchUrlFor(endpointTemplate(), 'probe')).href, {
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
