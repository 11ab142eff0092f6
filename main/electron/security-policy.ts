import { app, type Session } from 'electron';
import { isRendererUrl } from '../core/url-policy';

/** Denies what a job list never needs: new windows, navigation, webviews and permissions. */
export function applySecurityPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);

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
