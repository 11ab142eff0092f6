// The app fixture with an image server whose downloads the test holds half-way, so a save batch
// stays under way until the test releases it.
import { startHeldImageServer, type HeldImageServer } from '../support/held-images';
import { test as appTest } from './app-fixture';

export { expect, validTestKey } from './app-fixture';

export const test = appTest.extend<{ held: HeldImageServer }>({
  held: async ({}, use) => {
    const server = await startHeldImageServer();
    await use(server);
    await server.close();
  },
});
