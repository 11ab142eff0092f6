// The spreadsheet becomes the folders: a dropped table's names show in the list, can be searched,
// sorted and picked, and name the folders through {col:Name}.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeXlsxFile from 'write-excel-file/node';
import type { Step } from '../fixtures/fake-modelslab';
import { chooseFolderAndSave, jobRow as row, shownJobIds, templateFromNameColumn } from '../support/window-steps';
import { imagesIn } from '../support/saved-files';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const ready: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }];
test('drop a CSV and a workbook, see the names, pick the name column, save with {col:Name}, find the folders', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '8801': ready, '8802': ready, '8803': ready, '12345678901234567890': ready, '8805': ready });
  await app.open();

  const csv = 'Job ID,Name,Department\n8801,"Lee, Ann",Sales\n8802,Bo Chen,"Research\nand Development"\n8803,bo chen,Sales\n12345678901234567890,Zoë Ng,Ops\n';
  const workbook = await writeXlsxFile([
    [{ value: 'Request ID' }, { value: 'Full Name' }],
    [{ value: 8805 }, { value: 'Cy Diaz' }],
  ]).toBuffer();
  await page.locator('main.jobs').drop({
    files: [
      { name: 'team.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
      { name: 'more.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: workbook },
    ],
  });
  await expect(page.getByTestId('intake-summary')).toContainText('Added 5 jobs');
  for (const id of ['8801', '8802', '8803', '12345678901234567890', '8805']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');

  // The names show in a Name column; the 20-digit ID stays whole beside them.
  await expect(row(page, '8801').getByTestId('job-name')).toHaveText('Lee, Ann');
  // The workbook's column is "Full Name": no Name cell there, until that column is picked.
  await expect(row(page, '8805').getByTestId('job-name')).toHaveText('');
  const idCell = row(page, '12345678901234567890').locator('td.mono');
  expect(await idCell.evaluate((cell) => cell.scrollWidth <= cell.clientWidth), 'the 20-digit ID is not cut').toBe(true);

  // Another column can be shown as Name, and back.
  await page.getByTestId('name-column-picker').selectOption('Full Name');
  await expect(row(page, '8805').getByTestId('job-name')).toHaveText('Cy Diaz');
  await page.getByTestId('name-column-picker').selectOption('Department');
  await expect(row(page, '8802').getByTestId('job-name')).toHaveText('Research\nand Development');
  await page.getByTestId('name-column-picker').selectOption('Name');
  await expect(row(page, '8802').getByTestId('job-name')).toHaveText('Bo Chen');
  // The pick is kept (and is the Name the save record gives each file).
  await expect.poll(async () => (await app.core.handlers.getSettings(undefined)).nameColumn).toBe('Name');

  // Searched and sorted by name.
  await page.getByLabel('Search job IDs and names').fill('chen');
  await expect.poll(() => shownJobIds(page)).toEqual(['8802', '8803']);
  await page.getByLabel('Search job IDs and names').fill('');
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await expect.poll(() => shownJobIds(page)).toEqual(['8802', '8803', '8801', '12345678901234567890', '8805']);

  // The template editor offers the columns as tokens; its example is a real row's.
  const field = await templateFromNameColumn(page);
  await expect(field).toHaveValue('{col:Name}/{n}.{ext}');
  await expect(page.getByTestId('file-name-check')).toHaveText('Example: Lee, Ann/1.png');
  // The save record names each file's person; other columns only when ticked.
  await page.getByTestId('manifest-columns').getByLabel('Department').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.getByText('Settings', { exact: true }).click();

  await chooseFolderAndSave(page, app.saveDir, 5);
  await expect(row(page, '8805')).toHaveAttribute('data-state', 'saved');
  for (const id of ['8801', '8802', '8803', '12345678901234567890']) await expect(row(page, id)).toHaveAttribute('data-state', 'saved');
  // The batch is over once its saver has left the folder, a moment after the rows say saved.
  await expect(page.getByTestId('save-outcome')).toHaveText(/Saved \d+ files? from \d+ jobs?\./);
  // "bo chen" comes after "Bo Chen" in the list: its folder carries its ID. The workbook's job has no Name cell: its ID.
  expect(await imagesIn(app.saveDir)).toEqual(['8805/1.png', 'Bo Chen/1.png', 'Lee, Ann/1.png', 'Zoë Ng/1.png', 'bo chen (8803)/1.png']);
  const manifest = JSON.parse(await readFile(join(app.saveDir, 'headshot-fetcher-manifest.json'), 'utf8')) as { files: Array<{ jobId: string; labels?: object }> };
  expect(manifest.files.find((file) => file.jobId === '8802')?.labels).toEqual({ Name: 'Bo Chen', Department: 'Research\nand Development' });
  expect(manifest.files.find((file) => file.jobId === '8805')?.labels).toBeUndefined();
});
