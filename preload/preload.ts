// Runs sandboxed: it may require only 'electron', so the build bundles it into one file.
import { contextBridge, ipcRenderer } from 'electron';
import { bridgeGlobalName, eventChannel, requestChannel } from './api-contract';
import { createBridgeApi } from './bridge';

const api = createBridgeApi({
  invoke: (name, request) => ipcRenderer.invoke(requestChannel(name), request),
  subscribe(name, listener) {
    // The IPC event object is dropped: it would hand the page a handle on ipcRenderer.
    const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(name), forward);
    return () => ipcRenderer.removeListener(eventChannel(name), forward);
  },
});

contextBridge.exposeInMainWorld(bridgeGlobalName, api);
