import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { requestChannel, requestNames } from '../../preload/api-contract';
import type { RequestHandlers } from '../core/app-core';
import { dispatchRequest } from '../core/request-dispatch';

/**
 * The only caller of ipcMain.handle. A request is answered only when it comes from our own window's
 * top frame on our own origin; every payload goes to the handlers as `unknown`.
 */
export function bindRequestHandlers(
  handlers: RequestHandlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  log: (message: string) => void,
): void {
  for (const name of requestNames) {
    ipcMain.handle(requestChannel(name), (event, request: unknown) => {
      if (!isTrustedSender(event)) {
        log(`Refused ${name} from an unknown sender (${event.senderFrame?.url ?? 'no frame'}).`);
        return { ok: false, error: { code: 'invalid-request', message: 'Request refused.' } };
      }
      return dispatchRequest(handlers, name, request, log);
    });
  }
}
