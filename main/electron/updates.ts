// electron-updater connected to the decisions in core/update-policy.ts: whether updates can work
// here, and the two dialogs. The feed is electron-builder's `publish` setting, which it writes into
// the app as app-update.yml; without it updates stay off.
import { app, dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createUpdateController, updateSupport, type Updater } from '../core/update-policy';

/** Whether the running macOS app carries a real signature (an ad-hoc one cannot take updates). */
function macAppIsSigned(): Promise<boolean> {
  // …/Headshot Fetcher.app/Contents/MacOS/Headshot Fetcher
  const bundle = join(app.getPath('exe'), '..', '..', '..');
  return new Promise((resolve) => execFile('codesign', ['-dv', bundle], (error, _stdout, stderr) => resolve(error === null && /Authority=/.test(stderr))));
}

function electronUpdater(): Updater {
  // Loaded only where updates are on: a development run never touches it.
  let loaded: Promise<import('electron-updater').AppUpdater> | null = null;
  const load = () =>
    (loaded ??= import('electron-updater').then(({ autoUpdater }) => {
      autoUpdater.autoDownload = false;
      // An update put off with "Later" is installed when the app quits.
      autoUpdater.autoInstallOnAppQuit = true;
      autoUpdater.logger = null;
      return autoUpdater;
    }));
  return {
    async check() {
      const result = await (await load()).checkForUpdates();
      return result?.isUpdateAvailable ? { version: result.updateInfo.version } : null;
    },
    async download() {
      await (await load()).downloadUpdate();
    },
    restartAndInstall() {
      void load().then((updater) => updater.quitAndInstall());
    },
  };
}

export async function startUpdates(options: { window: () => BrowserWindow | null; log: (message: string) => void }) {
  const packaged = app.isPackaged;
  const support = updateSupport({
    packaged,
    feedConfigured: packaged && existsSync(join(process.resourcesPath, 'app-update.yml')),
    platform: process.platform,
    signed: process.platform === 'darwin' && packaged ? await macAppIsSigned() : true,
  });
  if (!support.enabled) options.log(`Updates are off: ${support.reason}`);
  const show = async (box: MessageBoxOptions) => {
    const window = options.window();
    return window ? dialog.showMessageBox(window, box) : dialog.showMessageBox(box);
  };
  return createUpdateController({
    support,
    updater: electronUpdater(),
    currentVersion: app.getVersion(),
    log: options.log,
    dialogs: {
      async offerRestart(version) {
        const { response } = await show({
          type: 'info',
          title: 'Update ready',
          message: `Version ${version} of Headshot Fetcher is ready to install.`,
          detail: 'Restart now to update; your job list is kept. If you choose Later, it is installed when you quit.',
          buttons: ['Restart to update', 'Later'],
          defaultId: 0,
          cancelId: 1,
        });
        return response === 0;
      },
      tell(message) {
        void show({ type: 'info', title: 'Check for updates', message, buttons: ['OK'] });
      },
    },
  });
}
