// The browser suite's stand-in for preload.ts: the same createBridgeApi, with a Playwright
// binding to the real core in place of ipcRenderer. Bundled and added as an init script.
import { bridgeGlobalName } from '../../preload/api-contract';
import { createBridgeApi } from '../../preload/bridge';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const page = window as unknown as {
  __headshotsInvoke(name: string, request: unknown): Promise<unknown>;
  __headshotsDispatch(name: string, payload: unknown): void;
} & Record<string, unknown>;

page.__headshotsDispatch = (name, payload) => listeners.get(name)?.forEach((listener) => listener(payload));
page[bridgeGlobalName] = createBridgeApi({
  invoke: (name, request) => page.__headshotsInvoke(name, request),
  subscribe(name, listener) {
    const set = listeners.get(name) ?? new Set();
    set.add(listener);
    listeners.set(name, set);
    return () => set.delete(listener);
  },
});
