// The application menu as plain data: which items each platform shows, in its conventional place.
// main/electron/app-menu.ts turns it into Electron's menu; this part runs (and is tested) under plain Node.
import type { MenuCommand } from '../../preload/api-contract';

export const modelsLabApiDocsUrl = 'https://docs.modelslab.com';

/** What an item does when chosen, beside Electron's own roles. */
export type MenuAction =
  /** Something the window does: sent to it through the contract's `menuCommand` event. */
  | { kind: 'window'; command: MenuCommand }
  | { kind: 'open-url'; url: string }
  | { kind: 'show-logs' }
  | { kind: 'copy-diagnostics' }
  | { kind: 'check-for-updates' };

/** Electron's built-in menu roles this menu uses. */
export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'close'
  | 'windowMenu'
  | 'appMenu';

export type MenuItemDescription =
  | { type: 'separator' }
  | { type: 'role'; role: MenuRole; label?: string }
  | { type: 'action'; label: string; action: MenuAction; accelerator?: string }
  | { type: 'submenu'; label: string; role?: 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'help'; submenu: MenuItemDescription[] };

export interface AppMenuContext {
  platform: NodeJS.Platform;
  /** A packaged build has no Reload and no Developer Tools. */
  isPackaged: boolean;
  appName: string;
  /** Help items whose features may be missing from a build: left out of the menu when false. */
  features: { showLogs: boolean; copyDiagnostics: boolean; checkForUpdates: boolean };
}

const separator: MenuItemDescription = { type: 'separator' };
const role = (name: MenuRole, label?: string): MenuItemDescription => (label ? { type: 'role', role: name, label } : { type: 'role', role: name });
const windowCommand = (label: string, command: MenuCommand, accelerator?: string): MenuItemDescription =>
  accelerator ? { type: 'action', label, action: { kind: 'window', command }, accelerator } : { type: 'action', label, action: { kind: 'window', command } };

export function describeAppMenu(context: AppMenuContext): MenuItemDescription[] {
  const mac = context.platform === 'darwin';
  const settings = windowCommand('Settings…', 'open-settings', 'CommandOrControl+,');

  const appMenu: MenuItemDescription[] = mac
    ? [
        {
          type: 'submenu',
          label: context.appName,
          role: 'appMenu',
          submenu: [
            role('about', `About ${context.appName}`),
            separator,
            settings,
            separator,
            role('services'),
            separator,
            role('hide', `Hide ${context.appName}`),
            role('hideOthers'),
            role('unhide'),
            separator,
            role('quit', `Quit ${context.appName}`),
          ],
        },
      ]
    : [];

  const file: MenuItemDescription = {
    type: 'submenu',
    label: mac ? 'File' : '&File',
    role: 'fileMenu',
    submenu: [
      windowCommand('Open IDs File…', 'open-ids-file', 'CommandOrControl+O'),
      windowCommand('Choose Folder…', 'choose-folder'),
      windowCommand('Save All Ready', 'save-all-ready', 'CommandOrControl+S'),
      // On Windows and Linux, Settings and Quit live in File; on macOS in the app menu.
      ...(mac ? [separator, role('close')] : [separator, settings, separator, role('quit', 'Quit')]),
    ],
  };

  const edit: MenuItemDescription = {
    type: 'submenu',
    label: mac ? 'Edit' : '&Edit',
    role: 'editMenu',
    submenu: [
      role('undo'),
      role('redo'),
      separator,
      role('cut'),
      role('copy'),
      role('paste'),
      ...(mac ? [role('pasteAndMatchStyle')] : []),
      role('delete'),
      separator,
      role('selectAll'),
    ],
  };

  const view: MenuItemDescription = {
    type: 'submenu',
    label: mac ? 'View' : '&View',
    role: 'viewMenu',
    submenu: [
      // Reloading would only help a developer; a packaged build has neither it nor the developer tools.
      ...(context.isPackaged ? [] : [role('reload'), role('forceReload'), role('toggleDevTools'), separator]),
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      separator,
      role('togglefullscreen'),
    ],
  };

  const windowMenu: MenuItemDescription = {
    type: 'submenu',
    label: mac ? 'Window' : '&Window',
    role: 'windowMenu',
    submenu: mac ? [role('minimize'), role('zoom'), separator, role('front')] : [role('minimize'), role('close')],
  };

  const help: MenuItemDescription = {
    type: 'submenu',
    label: mac ? 'Help' : '&Help',
    role: 'help',
    submenu: [
      ...(context.features.showLogs ? [{ type: 'action', label: 'Show Logs', action: { kind: 'show-logs' } } as const] : []),
      ...(context.features.copyDiagnostics ? [{ type: 'action', label: 'Copy Diagnostics', action: { kind: 'copy-diagnostics' } } as const] : []),
      ...(context.features.showLogs || context.features.copyDiagnostics ? [separator] : []),
      { type: 'action', label: 'ModelsLab API Documentation', action: { kind: 'open-url', url: modelsLabApiDocsUrl } },
      ...(context.features.checkForUpdates ? [separator, { type: 'action', label: 'Check for Updates…', action: { kind: 'check-for-updates' } } as const] : []),
      // The About box, on Windows and Linux, where there is no app menu.
      ...(mac ? [] : [separator, role('about', `About ${context.appName}`)]),
    ],
  };

  return [...appMenu, file, edit, view, windowMenu, help];
}

/** Every item of a menu, depth first: for finding one by label or action. */
export function flattenMenu(items: MenuItemDescription[]): MenuItemDescription[] {
  return items.flatMap((item) => (item.type === 'submenu' ? [item, ...flattenMenu(item.submenu)] : [item]));
}
