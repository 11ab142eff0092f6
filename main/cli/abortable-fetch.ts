// Node's fetch (or another), with a response body that fails when the request's signal aborts.
import type { FetchFunction } from '../core/modelslab-client';

/** Statuses whose responses never have a body; `new Response` refuses one for them. */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * Aborting Node's fetch while its body is being read can leave that read pending forever
 * (nodejs/node#56917). A stopped download then never ends, and with nothing else to wait for the
 * process exits with status 0 as if the run had succeeded. Piping the body through a stream that
 * the signal errors makes every read settle.
 */
export const abortableFetchWith = (baseFetch: FetchFunction): FetchFunction => async (url, init) => {
  const response = await baseFetch(url, init);
  const signal = init?.signal;
  if (!signal || !response.body || nullBodyStatuses.has(response.status)) return response;
  const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal });
  // The pipe ends in a rejection when the signal aborts; the reader sees it, so it is not lost.
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
};

export const abortableFetch: FetchFunction = abortableFetchWith((url, init) => fetch(url, init));
