// Every job state has its own colour, in light and dark: no two alike, and each readable (WCAG AA,
// 4.5:1) as text on the list's surface and on a selected row. The shapes that go with them are
// checked in the browser (each state its own icon).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { jobStates } from '../../preload/api-contract';

const css = readFileSync(new URL('../../renderer/src/app.css', import.meta.url), 'utf8');
const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const themes = { light: css.slice(0, darkStart), dark: css.slice(darkStart) };

function token(block: string, name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(block);
  assert.ok(match, `--${name} is a #rrggbb colour`);
  return match[1]!;
}

const rgb = (hex: string) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
const luminance = (hex: string) => {
  const [r, g, b] = rgb(hex).map((value) => {
    const channel = value / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string) => {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
};
/** color-mix(in srgb, top share%, bottom). */
const mix = (top: string, share: number, bottom: string) =>
  '#' + rgb(top).map((value, index) => Math.round(value * share + rgb(bottom)[index]! * (1 - share)).toString(16).padStart(2, '0')).join('');
const distance = (a: string, b: string) => Math.hypot(...rgb(a).map((value, index) => value - rgb(b)[index]!));

for (const [theme, block] of Object.entries(themes)) {
  const surface = token(block, 'surface');
  // The selected row, hovered: the darkest (lightest in dark) background a state's words sit on.
  const selected = mix(token(block, 'accent'), 0.18, surface);
  const colours = Object.fromEntries(jobStates.map((state) => [state, token(block, state)]));

  test(`${theme}: every two states differ in colour`, () => {
    for (const [index, a] of jobStates.entries()) {
      for (const b of jobStates.slice(index + 1)) {
        assert.ok(distance(colours[a]!, colours[b]!) >= 60, `${a} ${colours[a]} and ${b} ${colours[b]} are too alike`);
      }
    }
  });

  test(`${theme}: every state's colour reads at 4.5:1 on the list and on a selected row`, () => {
    for (const state of jobStates) {
      for (const [where, background] of [['the surface', surface], ['a selected row', selected]] as const) {
        const ratio = contrast(colours[state]!, background);
        assert.ok(ratio >= 4.5, `${state} ${colours[state]} on ${where} ${background}: ${ratio.toFixed(2)}:1`);
      }
    }
  });
}
