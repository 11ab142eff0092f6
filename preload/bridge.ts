import {
  eventNames,
  requestNames,
  type EventName,
  type Events,
  type HeadshotApi,
  type RequestName,
  type Result,
} from './api-contract';

/** How the bridge reaches main: ipcRenderer in the app, a Playwright binding in the browser suite. */
export interface BridgeTransport {
  invoke(name: RequestName, request: unknown): Promise<unknown>;
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the typed `window.headshots` API from the contract's names and nothing else. */
export function createBridgeApi(transport: BridgeTransport): HeadshotApi {
  const api: Record<string, unknown> = {};
  for (const name of requestNames) {
    api[name] = (request?: unknown) => transport.invoke(name, request) as Promise<Result<unknown>>;
  }
  api.on = (event: EventName, listener: (payload: Events[EventName]) => void) => {
    if (!eventNames.includes(event)) throw new Error(`Unknown event: ${String(event)}`);
    return transport.subscribe(event, (payload) => listener(payload as Events[EventName]));
  };
  return Object.freeze(api) as HeadshotApi;
}
