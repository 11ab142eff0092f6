// Turns the one icon source, build/icon.svg, into every file the packages and the window use:
//   build/icon.png        1024×1024, macOS and the fallback of every target; the window's icon on Linux
//   build/icons/NxN.png   16 to 1024, the Linux packages (hicolor sizes, and the AppImage's)
//   build/icon.ico        Windows: the installer and the .exe (16 to 256)
//   build/icon.icns       macOS: the .app and the dmg (16 to 1024, with the @2x sizes)
// Run `npm run icons` after changing the SVG, and commit the output. Works offline.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const linuxSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const svg = await readFile('build/icon.svg');
/** The SVG drawn at size × size: each size from the vector, so small ones stay sharp. */
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();

await rm('build/icons', { recursive: true, force: true });
await mkdir('build/icons', { recursive: true });
for (const size of linuxSizes) await writeFile(`build/icons/${size}x${size}.png`, render(size));
const large = render(1024);
await writeFile('build/icon.png', large);

// png2icons scales the 1024 drawing down for each size the formats hold.
const ico = png2icons.createICO(large, png2icons.BICUBIC2, 0, false, true);
const icns = png2icons.createICNS(large, png2icons.BICUBIC2, 0);
if (!ico || !icns) throw new Error('png2icons could not make icon.ico or icon.icns from build/icon.png.');
await writeFile('build/icon.ico', ico);
await writeFile('build/icon.icns', icns);
console.log(`Wrote build/icon.png, build/icons/{${linuxSizes.map((size) => `${size}x${size}`).join(',')}}.png, build/icon.ico and build/icon.icns.`);
