// The batch at a glance: how far fetching and saving have come, and every state in its own colour
// and shape.
import type { Page } from '@playwright/test';
import { jobStates, type JobState } from '../../preload/api-contract';
import type { Step } from '../fixtures/fake-modelslab';
import { jobView } from '../support/job-views';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const ready: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }];

test('mid-batch the header says done of all, failed and to go, with a bar; saving has its own', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '3001': ready, '3002': ready, '3003': [{ answer: 'failed' }], '3004': [{ answer: 'processing', eta: 600 }], '3005': [{ answer: 'processing', eta: 600 }] });
  await app.open();
  await expect(page.getByTestId('fetch-overview')).toHaveText('0 of 0 done · none to go');
  await dropText(page, '3001 3002 3003 3004 3005');
  await expect(row(page, '3005')).toHaveAttribute('data-state', 'processing');
  await expect(row(page, '3003')).toHaveAttribute('data-state', 'failed');
  await expect(row(page, '3002')).toHaveAttribute('data-state', 'ready');

  await expect(page.getByTestId('fetch-overview')).toHaveText('2 of 5 done · 1 failed · 2 to go');
  const fetchBar = page.getByRole('progressbar', { name: 'Fetch progress' });
  await expect(fetchBar).toHaveJSProperty('max', 5);
  await expect(fetchBar).toHaveJSProperty('value', 3);

  // Saving: before the first batch it says so; after, the outcome and a full bar.
  await expect(page.getByTestId('save-overview-part')).toContainText('Nothing saved yet');
  await page.getByRole('button', { name: 'Save all ready (2)' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText('Saved 2 files from 2 jobs.');
  await expect(page.getByRole('progressbar', { name: 'Save progress' })).toHaveJSProperty('value', 1);
  await expect(page.getByTestId('fetch-overview')).toHaveText('2 of 5 done · 1 failed · 2 to go');
});

test('every state has its own colour and its own icon, in light and dark, each readable (AA) on a row, selected or not', async ({ app }) => {
  const { page } = app;
  await app.open();
  // A job in each of the seven states, side by side in the list, as main would send them.
  const idOf = (state: JobState) => String(3100 + jobStates.indexOf(state));
  app.emit('jobsUpdated', jobStates.map((state) => jobView(idOf(state), state, { retryable: true })));
  for (const state of jobStates) await expect(row(page, idOf(state))).toHaveAttribute('data-state', state);

  // Each state's icon is its own shape: seven different drawings.
  const drawings = await Promise.all(jobStates.map((state) => row(page, idOf(state)).locator('svg.state-icon').evaluate((icon) => icon.innerHTML.replace(/<!--.*?-->/g, ''))));
  expect(new Set(drawings).size, 'one drawing per state').toBe(jobStates.length);

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.keyboard.press('Escape');
    const plain = await statusLooks(page, idOf);
    // Every pair of states differs in colour by far more than two greens a print shop would call the same (ΔE 0.4).
    for (const [index, a] of jobStates.entries()) {
      for (const b of jobStates.slice(index + 1)) {
        expect(deltaE(plain[a].text, plain[b].text), `${scheme}: ${a} ${plain[a].css} and ${b} ${plain[b].css} look alike`).toBeGreaterThanOrEqual(20);
      }
    }
    for (const state of jobStates) expect(contrast(plain[state].text, plain[state].background), `${scheme}: ${state} on its row`).toBeGreaterThanOrEqual(4.5);

    // Selected (and the pointer over a selected row, the strongest tint): still AA.
    await row(page, idOf('queued')).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await expect(page.getByTestId('selected-count')).toHaveText(`${jobStates.length} selected`);
    const selected = await statusLooks(page, idOf);
    for (const state of jobStates) {
      expect(contrast(selected[state].text, selected[state].background), `${scheme}: ${state} on a selected row`).toBeGreaterThanOrEqual(4.5);
      await row(page, idOf(state)).locator('td.job-id').hover();
      const hovered = await statusLooks(page, idOf, [state]);
      expect(contrast(hovered[state].text, hovered[state].background), `${scheme}: ${state} on a selected row under the pointer`).toBeGreaterThanOrEqual(4.5);
    }
    await page.mouse.move(0, 0);
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

type Rgb = [number, number, number];
interface Look {
  css: string;
  text: Rgb;
  /** What the text sits on: the row's backgrounds laid over each other, down to the page's. */
  background: Rgb;
}

/** Each state's word in its row: its colour, and the colour under it. */
async function statusLooks(page: Page, idOf: (state: JobState) => string, states: readonly JobState[] = jobStates): Promise<Record<JobState, Look>> {
  const looks = {} as Record<JobState, Look>;
  for (const state of states) {
    const raw = await row(page, idOf(state))
      .locator(`.state.state-${state}`)
      .evaluate((badge) => {
        const layers: string[] = [];
        for (let element: Element | null = badge; element; element = element.parentElement) layers.push(getComputedStyle(element).backgroundColor);
        return { color: getComputedStyle(badge).color, layers };
      });
    let background: Rgb = [1, 1, 1];
    for (const layer of raw.layers.reverse()) {
      const [colour, alpha] = parseColour(layer);
      background = background.map((value, index) => alpha * colour[index]! + (1 - alpha) * value) as Rgb;
    }
    looks[state] = { css: raw.color, text: parseColour(raw.color)[0], background };
  }
  return looks;
}

/** A computed colour, `rgb()`/`rgba()` or `color(srgb …)` (what color-mix gives), as sRGB 0–1 and its alpha. */
function parseColour(css: string): [Rgb, number] {
  const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(css);
  if (srgb) return [[Number(srgb[1]), Number(srgb[2]), Number(srgb[3])], srgb[4] === undefined ? 1 : Number(srgb[4])];
  const rgb = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:(?:,| \/) ([\d.]+))?\)$/.exec(css);
  if (rgb) return [[Number(rgb[1]) / 255, Number(rgb[2]) / 255, Number(rgb[3]) / 255], rgb[4] === undefined ? 1 : Number(rgb[4])];
  throw new Error(`A colour this test cannot read: ${css}`);
}

const linear = (value: number) => (value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4);
const luminance = ([r, g, b]: Rgb) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);

/** WCAG's contrast ratio. */
function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** How far apart two colours look (CIE76 ΔE in CIELAB, D65). */
function deltaE(a: Rgb, b: Rgb): number {
  const lab = ([r, g, b]: Rgb) => {
    const [lr, lg, lb] = [linear(r), linear(g), linear(b)];
    const x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047;
    const y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    const z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883;
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27) * t / 116 + 16 / 116);
    return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
  };
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1! - l2!, a1! - a2!, b1! - b2!);
}
