// What a person does in the window, shared by the browser suite and the Electron suite.
import { expect, type Page } from '@playwright/test';

export const jobRow = (page: Page, id: string) => page.locator(`tr[data-job-id="${id}"]`);

export async function enterFirstKey(page: Page, key: string): Promise<void> {
  const keyField = page.getByLabel('Enter your ModelsLab API key to start');
  await expect(keyField).toBeVisible();
  await keyField.fill(key);
  await page.getByRole('button', { name: 'Save key' }).click();
  await expect(page.getByTestId('key-status')).toHaveText(`API key set ••••${key.slice(-4)}`);
}

export async function dropText(page: Page, text: string): Promise<void> {
  await page.locator('main.jobs').drop({ data: { 'text/plain': text } });
}

export async function chooseFolderAndSave(page: Page, folder: string, readyCount: number): Promise<void> {
  await page.getByRole('button', { name: 'Choose folder…' }).click();
  await expect(page.getByTestId('save-folder')).toHaveValue(folder);
  await page.getByRole('button', { name: `Save all ready (${readyCount})` }).click();
}
