// The window at its smallest supported size, 1024×700: nothing that matters is cut off.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true, viewport: { width: 1024, height: 700 } });

test('at 1024×700 the save bar shows the end of the folder\'s path, where its name is, whole', async ({ app }) => {
  const { page } = app;
  // A folder as deep as people keep theirs.
  const folder = join(app.saveDir, 'Clients', 'Acme Corporation', 'Pictures', 'Headshots');
  await mkdir(folder, { recursive: true });
  app.setFolderDialogAnswer(folder);
  app.setScenarios({ '9901': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await app.open();
  await dropText(page, '9901');
  await expect(row(page, '9901')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Choose folder…' }).click();

  const select = page.getByTestId('save-folder');
  await expect(select).toHaveValue(folder);
  const shown = await select.evaluate((element) => {
    const field = element as HTMLSelectElement;
    const style = getComputedStyle(field);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = field.selectedOptions[0]!.text;
    // The room for text: the box less its padding and the drop-down arrow (about 20px).
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    return { text, fits: context.measureText(text).width <= room };
  });
  expect(shown.text).toMatch(/Headshots$/);
  expect(shown.fits, `"${shown.text}" fits in the select`).toBe(true);
});
