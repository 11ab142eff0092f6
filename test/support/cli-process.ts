// The built command line as the tests run it: where it is, the loader that keeps every run on this
// computer, and how its --json output reads.
import { fileURLToPath } from 'node:url';

export const builtCliPath = fileURLToPath(new URL('../../dist/cli/headshot-fetcher.js', import.meta.url));
/** Keeps every run on this computer: see the file. */
export const onlyThisComputer = new URL('./only-this-computer.mjs', import.meta.url).href;
/** The JSON lines a --json run printed, each parsed. */
export const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
