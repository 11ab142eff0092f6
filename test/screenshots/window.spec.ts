// `npm run screenshots`: renders the window with realistic content into docs/screenshots/.
// Not a test suite: it asserts only what it needs to wait for.
import { fileURLToPath } from 'node:url';
import { expect, test, validTestKey } from '../browser/app-fixture';
import type { ImageName } from '../fixtures/fake-modelslab';
import { dropText, enterFirstKey, jobRow } from '../support/window-steps';

const shot = (name: string) => fileURLToPath(new URL(`../../docs/screenshots/${name}.png`, import.meta.url));

test('first run and a mixed batch', async ({ app }) => {
  const { page } = app;
  const names: ImageName[] = ['headshot-a.png', 'headshot-b.jpg', 'headshot-c.webp'];
  const image = (n: number) => Array.from({ length: n }, (_, i) => ({ serve: names[i % names.length]! }));
  app.setScenarios({
    '12202888': [{ answer: 'success', images: image(2) }],
    '12202889': [{ answer: 'success', images: image(4) }],
    '12202890': [{ answer: 'success', images: image(1) }],
    '12202891': [{ answer: 'processing', eta: 600 }],
    '12202892': [{ answer: 'processing', eta: 45 }],
    '12202893': [{ answer: 'failed' }],
    '12202894': [{ answer: 'success', images: image(2) }],
  });
  await app.open();
  await expect(page.getByLabel('Enter your ModelsLab API key to start')).toBeVisible();
  await page.screenshot({ path: shot('first-run') });

  await enterFirstKey(page, validTestKey);
  await dropText(page, '12202888\n12202889\n12202890\n12202891\n12202892\n12202893\n12202894\nhello');
  await expect(jobRow(page, '12202894')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Choose folder…' }).click();
  await page.getByRole('button', { name: 'Save all ready (4)' }).click();
  await expect(jobRow(page, '12202888')).toHaveAttribute('data-state', 'saved');
  await expect(page.getByTestId('save-outcome')).toContainText('Saved');
  await dropText(page, '12202895 12202896');
  await expect(jobRow(page, '12202895')).toHaveAttribute('data-state', 'failed');
  await page.screenshot({ path: shot('main-window') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('main-window-dark') });
});
