import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeAppMenu, flattenMenu, modelsLabApiDocsUrl, type AppMenuContext, type MenuItemDescription } from '../../main/desktop/app-menu';

const allFeatures = { showLogs: true, copyDiagnostics: true, checkForUpdates: true };
const menu = (context: Partial<AppMenuContext>) =>
  describeAppMenu({ platform: 'linux', isPackaged: true, appName: 'Headshot Fetcher', features: allFeatures, ...context });
const topLabels = (items: MenuItemDescription[]) => items.map((item) => (item.type === 'submenu' ? item.label.replace('&', '') : item.type));
const submenu = (items: MenuItemDescription[], label: string) => {
  const found = items.find((item) => item.type === 'submenu' && item.label.replace('&', '') === label);
  assert.ok(found && found.type === 'submenu', `no ${label} menu`);
  return found.submenu;
};
const roles = (items: MenuItemDescription[]) => flattenMenu(items).flatMap((item) => (item.type === 'role' ? [item.role] : []));
const labels = (items: MenuItemDescription[]) => flattenMenu(items).flatMap((item) => (item.type === 'action' || item.type === 'role' ? [item.type === 'action' ? item.label : (item.label ?? item.role)] : []));

test('macOS has the app menu with About, Settings…, Hide and Quit; Windows and Linux put Settings and Quit in File', () => {
  const mac = menu({ platform: 'darwin' });
  assert.deepEqual(topLabels(mac), ['Headshot Fetcher', 'File', 'Edit', 'View', 'Window', 'Help']);
  assert.deepEqual(labels(submenu(mac, 'Headshot Fetcher')), ['About Headshot Fetcher', 'Settings…', 'services', 'Hide Headshot Fetcher', 'hideOthers', 'unhide', 'Quit Headshot Fetcher']);
  assert.ok(!labels(submenu(mac, 'File')).includes('Quit'));

  for (const platform of ['win32', 'linux'] as const) {
    const other = menu({ platform });
    assert.deepEqual(topLabels(other), ['File', 'Edit', 'View', 'Window', 'Help']);
    assert.deepEqual(labels(submenu(other, 'File')), ['Open IDs File…', 'Choose Folder…', 'Save All Ready', 'Settings…', 'Quit']);
    assert.ok(labels(submenu(other, 'Help')).includes('About Headshot Fetcher'));
  }
});

test('File\'s items go to the window with their shortcuts; Edit has the editing roles', () => {
  const file = flattenMenu(submenu(menu({}), 'File'));
  const action = (label: string) => file.find((item) => item.type === 'action' && item.label === label);
  assert.deepEqual(action('Open IDs File…'), { type: 'action', label: 'Open IDs File…', action: { kind: 'window', command: 'open-ids-file' }, accelerator: 'CommandOrControl+O' });
  assert.deepEqual(action('Save All Ready'), { type: 'action', label: 'Save All Ready', action: { kind: 'window', command: 'save-all-ready' }, accelerator: 'CommandOrControl+S' });
  assert.deepEqual(action('Choose Folder…'), { type: 'action', label: 'Choose Folder…', action: { kind: 'window', command: 'choose-folder' } });
  assert.deepEqual(roles(submenu(menu({}), 'Edit')), ['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
});

test('a packaged build has no Reload and no Developer Tools; one run from the sources has both', () => {
  assert.deepEqual(roles(submenu(menu({ isPackaged: true }), 'View')), ['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  assert.deepEqual(roles(submenu(menu({ isPackaged: false }), 'View')), ['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    const packagedRoles = roles(menu({ platform, isPackaged: true }));
    assert.ok(!packagedRoles.includes('toggleDevTools') && !packagedRoles.includes('reload') && !packagedRoles.includes('forceReload'), platform);
  }
});

test('Help opens the API documentation, and shows the logs, diagnostics and update items only when the build has them', () => {
  const help = flattenMenu(submenu(menu({}), 'Help'));
  assert.deepEqual(help.find((item) => item.type === 'action' && item.label === 'ModelsLab API Documentation'), {
    type: 'action',
    label: 'ModelsLab API Documentation',
    action: { kind: 'open-url', url: modelsLabApiDocsUrl },
  });
  assert.equal(modelsLabApiDocsUrl, 'https://docs.modelslab.com');
  assert.deepEqual(labels(submenu(menu({ platform: 'darwin' }), 'Help')), ['Show Logs', 'Copy Diagnostics', 'ModelsLab API Documentation', 'Check for Updates…']);
  const bare = submenu(menu({ platform: 'darwin', features: { showLogs: false, copyDiagnostics: false, checkForUpdates: false } }), 'Help');
  assert.deepEqual(labels(bare), ['ModelsLab API Documentation']);
  assert.ok(bare.every((item) => item.type !== 'separator'), 'no stray separators around the missing items');
});
