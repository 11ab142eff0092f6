import { expect, test, validTestKey } from './app-fixture';

test.use({ keychainUnavailable: true });

test('without a keychain, the key form says why and how to get one, and uses the key for this session only', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '4101': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await app.open();

  const panel = page.getByRole('region', { name: 'ModelsLab API key' });
  await expect(panel.getByTestId('keychain-problem')).toContainText('Your system keychain cannot store the key');
  await expect(panel.getByTestId('keychain-problem')).toContainText('GNOME Keyring, or KWallet with its Secret Service');
  await expect(panel.getByTestId('keychain-problem')).toContainText('Cannot autolaunch D-Bus');
  await page.getByLabel('Enter your ModelsLab API key to start').fill(validTestKey);
  await panel.getByRole('button', { name: 'Use for this session only' }).click();

  await expect(page.getByTestId('key-status')).toHaveText(`API key set ••••${validTestKey.slice(-4)}, for this session only`);
  expect(await app.secretStore.read(), 'nothing was written to a keychain').toBeNull();
  // The key works: a job fetched with it becomes ready.
  await app.core.handlers.addJobs({ sources: [{ name: null, text: '4101' }] });
  await expect.poll(async () => (await app.core.handlers.listJobs(undefined)).find((job) => job.id === '4101')?.state).toBe('ready');
});
