// electron-builder.yml as electron-builder itself resolves it (its own loader, `extends` and all),
// checked against electron-builder's schema, so a misspelt key fails here rather than on a release day.
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export async function resolvedBuilderConfig(): Promise<Configuration> {
  const config = await getConfig(projectRoot, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}
