// What a person does in the window, shared by the browser suite and the Electron suite.
import { expect, type Locator, type Page } from '@playwright/test';

export const jobRow = (page: Page, id: string) => page.locator(`tr[data-job-id="${id}"]`);

export async function enterFirstKey(page: Page, key: string): Promise<void> {
  const keyField = page.getByLabel('Enter your ModelsLab API key to start');
  await expect(keyField).toBeVisible();
  await keyField.fill(key);
  await page.getByRole('button', { name: 'Save key' }).click();
  await expect(page.getByTestId('key-status')).toHaveText(`API key set ••••${key.slice(-4)}`);
}

/** Opens the key's menu in the window's top line (where Replace and Remove are), if it is closed. */
export async function openKeyMenu(page: Page): Promise<void> {
  const menu = page.locator('details.key-menu');
  if (!(await menu.evaluate((details) => (details as HTMLDetailsElement).open))) await page.getByTestId('key-status').click();
}

export async function dropText(page: Page, text: string): Promise<void> {
  await page.locator('main.jobs').drop({ data: { 'text/plain': text } });
}

export async function chooseFolderAndSave(page: Page, folder: string, readyCount: number): Promise<void> {
  await page.getByRole('button', { name: 'Choose folder…' }).click();
  await expect(page.getByTestId('save-folder')).toHaveValue(folder);
  await page.getByRole('button', { name: `Save all ready (${readyCount})` }).click();
}

/** The job IDs the list draws, top to bottom. */
export function shownJobIds(page: Page): Promise<string[]> {
  return page.locator('tr.job-row').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.jobId ?? ''));
}

/** Clicks a row on its ID, away from its buttons, as a person selecting it would. */
export async function clickRow(page: Page, id: string, modifiers: Array<'Shift' | 'ControlOrMeta'> = []): Promise<void> {
  await jobRow(page, id).locator('td.mono').click({ modifiers });
}

/** Presses Tab until the target has the focus: proof that the keyboard reaches it. */
export async function tabTo(page: Page, target: Locator, maxPresses = 80): Promise<void> {
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab did not reach ${target} in ${maxPresses} presses.`);
}

/** Opens Settings and makes the file name template `{col:Name}/{n}.{ext}` as a person would: the Name column's token, then typing the rest. */
export async function templateFromNameColumn(page: Page): Promise<Locator> {
  await page.getByText('Settings', { exact: true }).click();
  const field = page.getByLabel('File name', { exact: true });
  await field.fill('');
  await page.getByTestId('column-tokens').getByRole('button', { name: '{col:Name}' }).click();
  await field.press('End');
  await field.pressSequentially('/{n}.{ext}');
  return field;
}
