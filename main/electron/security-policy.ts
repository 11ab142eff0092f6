import { app, type Session } from 'electron';
import { isRendererUrl } from '../core/url-policy';

/** "Copy IDs" writes to the clipboard: the one permission granted, and only to the app's own page. */
const isAllowed = (permission: string, requestingUrl: string) => permission === 'clipboard-sanitized-write' && isRendererUrl(requestingUrl);

/** Denies what a job list never needs: new windows, navigation, webviews and other permissions. */
export function applySecurityPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(isAllowed(permission, details.requestingUrl)));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isAllowed(permission, requestingOrigin));

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => {
      if (!isRendererUrl(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isRendererUrl(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
