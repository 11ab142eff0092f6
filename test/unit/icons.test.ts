// The icon files in build/ are what `npm run icons` makes from build/icon.svg, in every size and
// format electron-builder.yml points the packages at.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import type { Configuration } from 'app-builder-lib';
import { projectRoot, resolvedBuilderConfig } from '../support/builder-config';

const read = (path: string) => readFileSync(join(projectRoot, path));
const linuxSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** A PNG's width and height, from its header. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

let config: Configuration;
before(async () => {
  config = await resolvedBuilderConfig();
});

test('every package points at an icon file that exists', () => {
  assert.equal(config.linux?.icon, 'build/icons');
  assert.equal(config.mac?.icon, 'build/icon.icns');
  assert.equal(config.win?.icon, 'build/icon.ico');
  for (const path of ['build/icons', 'build/icon.icns', 'build/icon.ico', 'build/icon.png']) {
    assert.ok(existsSync(join(projectRoot, path)), `${path} is missing: run npm run icons`);
  }
});

test('the PNGs are the SVG drawn at each size, so they are up to date with it', () => {
  const svg = read('build/icon.svg');
  for (const size of linuxSizes) {
    const png = read(`build/icons/${size}x${size}.png`);
    assert.deepEqual(pngSize(png), { width: size, height: size });
  }
  // Drawn again here, a changed SVG without `npm run icons` shows.
  for (const size of [32, 256]) {
    const drawn = Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng());
    assert.ok(drawn.equals(read(`build/icons/${size}x${size}.png`)), `build/icons/${size}x${size}.png is not the SVG drawn now: run npm run icons`);
  }
  assert.ok(read('build/icon.png').equals(read('build/icons/1024x1024.png')));
});

test('the Windows icon holds 16 to 256 pixels', () => {
  const ico = read('build/icon.ico');
  assert.equal(ico.readUInt16LE(0), 0);
  assert.equal(ico.readUInt16LE(2), 1, 'not an icon file');
  const count = ico.readUInt16LE(4);
  // In an ICO directory entry a width of 0 means 256.
  const widths = Array.from({ length: count }, (_, index) => ico[6 + index * 16] || 256);
  for (const size of [16, 32, 48, 256]) assert.ok(widths.includes(size), `icon.ico has no ${size}×${size}`);
});

test('the macOS icon holds 16 to 1024 pixels', () => {
  const icns = read('build/icon.icns');
  assert.equal(icns.subarray(0, 4).toString('latin1'), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const types: string[] = [];
  for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) types.push(icns.subarray(at, at + 4).toString('latin1'));
  // ic10: 1024 (512@2x), ic09: 512, ic08: 256, ic07: 128, and the small ones (ic11/icp4 16, ic12/icp5 32).
  for (const type of ['ic10', 'ic09', 'ic08', 'ic07']) assert.ok(types.includes(type), `icon.icns has no ${type}`);
  assert.ok(types.some((type) => ['icp4', 'is32', 'ic11'].includes(type)), 'icon.icns has no 16-pixel icon');
});
