// Where the Electron binary is, or null when it was never downloaded. Reads electron's own
// path.txt instead of require('electron'), which would try to download it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function electronBinary() {
  const packageDir = fileURLToPath(new URL('../../node_modules/electron', import.meta.url));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : null;
}
