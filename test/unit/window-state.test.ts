import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { placeWindow, readWindowState, windowStateFileName, writeWindowState, writeWindowStateNow, type Rectangle } from '../../main/desktop/window-state';
import { makeTempDir } from '../support/core-harness';

const limits = { width: 1100, height: 760, minWidth: 720, minHeight: 520 };
const laptop: Rectangle = { x: 0, y: 0, width: 1440, height: 875 };
const external: Rectangle = { x: 1440, y: -200, width: 2560, height: 1400 };

test('the first run opens at the default size where the system puts it', () => {
  assert.deepEqual(placeWindow(null, [laptop], limits), { bounds: { width: 1100, height: 760 }, maximized: false });
});

test('a window on a display that is still there opens where it was, maximised or not', () => {
  const bounds = { x: 1700, y: 100, width: 1300, height: 900 };
  assert.deepEqual(placeWindow({ bounds, maximized: false }, [laptop, external], limits), { bounds, maximized: false });
  assert.deepEqual(placeWindow({ bounds, maximized: true }, [laptop, external], limits), { bounds, maximized: true });
});

test('a window whose display is gone comes back centred on the primary display, no larger than it', () => {
  const onExternal = { bounds: { x: 1700, y: 100, width: 2000, height: 1200 }, maximized: false };
  assert.deepEqual(placeWindow(onExternal, [laptop], limits), { bounds: { x: 0, y: 0, width: 1440, height: 875 }, maximized: false });
  const small = { bounds: { x: 3000, y: 300, width: 800, height: 600 }, maximized: true };
  assert.deepEqual(placeWindow(small, [laptop], limits), { bounds: { x: 320, y: 138, width: 800, height: 600 }, maximized: true });
});

test('a title bar above the screen or only a sliver on it is brought back; a window hanging off an edge is pulled in whole', () => {
  assert.deepEqual(placeWindow({ bounds: { x: 100, y: -500, width: 900, height: 700 }, maximized: false }, [laptop], limits).bounds, { x: 270, y: 88, width: 900, height: 700 });
  assert.deepEqual(placeWindow({ bounds: { x: 1400, y: 100, width: 900, height: 700 }, maximized: false }, [laptop], limits).bounds, { x: 270, y: 88, width: 900, height: 700 });
  assert.deepEqual(placeWindow({ bounds: { x: 1000, y: 300, width: 900, height: 700 }, maximized: false }, [laptop], limits).bounds, { x: 540, y: 175, width: 900, height: 700 });
});

test('wherever it was saved, the window opens whole on one of the displays', () => {
  const rect = fc.record({ x: fc.integer({ min: -5000, max: 5000 }), y: fc.integer({ min: -5000, max: 5000 }), width: fc.integer({ min: 1, max: 6000 }), height: fc.integer({ min: 1, max: 6000 }) });
  const area = fc.record({ x: fc.integer({ min: -4000, max: 4000 }), y: fc.integer({ min: -4000, max: 4000 }), width: fc.integer({ min: 800, max: 4000 }), height: fc.integer({ min: 600, max: 3000 }) });
  fc.assert(
    fc.property(rect, fc.boolean(), fc.array(area, { minLength: 1, maxLength: 3 }), (bounds, maximized, areas) => {
      const placed = placeWindow({ bounds, maximized }, areas, limits).bounds as Rectangle;
      return areas.some(
        (a) => placed.x >= a.x && placed.y >= a.y && placed.x + placed.width <= a.x + a.width && placed.y + placed.height <= a.y + a.height,
      );
    }),
  );
});

test('the state is kept in the user-data folder; a missing or damaged file opens the default window', async (t) => {
  const folder = await makeTempDir();
  t.after(() => rm(folder, { recursive: true, force: true }));
  assert.equal(await readWindowState(folder), null);
  await writeWindowState(folder, { bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true });
  assert.deepEqual(await readWindowState(folder), { bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true });
  writeWindowStateNow(folder, { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: false });
  assert.deepEqual(await readWindowState(folder), { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: false });
  await writeFile(join(folder, windowStateFileName), '{"bounds":{"x":"a"}}');
  assert.equal(await readWindowState(folder), null);
  await writeFile(join(folder, windowStateFileName), 'not json');
  assert.equal(await readWindowState(folder), null);
});
