// The application menu: main/desktop/app-menu.ts's description made into Electron's menu.
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../preload/api-contract';
import { unreachable } from '../../preload/shared/unreachable';
import { describeAppMenu, type MenuAction, type MenuItemDescription } from '../desktop/app-menu';

export interface AppMenuActions {
  /** Sends a command to the window (the `menuCommand` event). */
  sendToWindow: (command: MenuCommand) => void;
  openExternal: (url: string) => void;
  /** Help items of features that may be missing from a build: left out of the menu when not given. */
  showLogs?: () => void;
  copyDiagnostics?: () => void;
  checkForUpdates?: () => void;
}

function run(action: MenuAction, actions: AppMenuActions): void {
  switch (action.kind) {
    case 'window':
      return actions.sendToWindow(action.command);
    case 'open-url':
      return actions.openExternal(action.url);
    case 'show-logs':
      return actions.showLogs?.();
    case 'copy-diagnostics':
      return actions.copyDiagnostics?.();
    case 'check-for-updates':
      return actions.checkForUpdates?.();
    default:
      return unreachable(action);
  }
}

export function toElectronTemplate(items: MenuItemDescription[], actions: AppMenuActions): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return item.label ? { role: item.role, label: item.label } : { role: item.role };
      case 'action':
        return { label: item.label, ...(item.accelerator ? { accelerator: item.accelerator } : {}), click: () => run(item.action, actions) };
      case 'submenu':
        return { label: item.label, ...(item.role === 'windowMenu' || item.role === 'help' ? { role: item.role } : {}), submenu: toElectronTemplate(item.submenu, actions) };
      default:
        return unreachable(item);
    }
  });
}

export function installAppMenu(context: { platform: NodeJS.Platform; isPackaged: boolean; appName: string }, actions: AppMenuActions): void {
  const description = describeAppMenu({
    ...context,
    features: { showLogs: actions.showLogs !== undefined, copyDiagnostics: actions.copyDiagnostics !== undefined, checkForUpdates: actions.checkForUpdates !== undefined },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronTemplate(description, actions)));
}
