// The command line's entry: wires the process (arguments, streams, signals, keychain) to the commands.
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KeychainUnavailableError, createKeytarSecretStore, keychainService } from '../core/keychain';
import { abortableFetchWith } from './abortable-fetch';
import { parseCommandLine, usage, UsageError } from './arguments';
import { runFetch } from './fetch-command';
import { runKey } from './key-command';
import { fetchHonouringProxy } from './proxy-fetch';
import { exitCodes, processTerminal } from './terminal';

/** Ctrl-C at the hidden prompt: the terminal is in raw mode, so it arrives as a character, not a signal. */
class PromptCancelled extends Error {}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin, stderr } = process;
    // Echo goes off before the question shows, so a key pasted the moment it appears is never echoed.
    stdin.setRawMode(true);
    stderr.write(question);
    stdin.resume();
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        // Enter, or Ctrl-D as at any prompt that reads to the end of input.
        if (character === '\r' || character === '\n' || character === '\u0004') return finish(null);
        if (character === '\u0003') return finish(new PromptCancelled('Cancelled: no key was saved.'));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    const finish = (error: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    stdin.on('data', onData);
  });
}

/**
 * A long fetch keeps little alive (a window of jobs, the folder's record), but V8 collects lazily
 * and every downloaded chunk is garbage: left alone, the heap and the buffers it holds grow to
 * 200 MB and more over 10,000 jobs. A full collection every second keeps the process near what it
 * really uses, for about 1% of its time.
 */
function collectGarbageEverySecond() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let liveAfterCollection = 0;
  const collect = () => {
    gc();
    liveAfterCollection = getHeapStatistics().used_heap_size;
  };
  setInterval(collect, 1_000).unref();
  // Between those, as soon as garbage piles up: writing a big folder's record makes tens of MB in a second.
  setInterval(() => {
    if (getHeapStatistics().used_heap_size - liveAfterCollection > garbageCollectedAtBytes) collect();
  }, 100).unref();
  keepYoungGenerationSmall();
}

/** Garbage beyond what the last collection left alive that is collected without waiting for the second to end. */
const garbageCollectedAtBytes = 16 * 1024 * 1024;

/** The young generation's size (both semi-spaces) past which it stops growing. */
const youngGenerationCapBytes = 8 * 1024 * 1024;

/**
 * V8 doubles its young generation as a long run goes on, up to 16 MB per semi-space: 32 MB of a
 * 150 MB budget for garbage that lives a moment. `node --max-semi-space-size` would cap it, but a
 * flag cannot ride along the bin's `#!/usr/bin/env node` line on every system (npm's Windows shims,
 * `env -S`), and the size limit is read once, when the process starts. The growth factor is read
 * at each growth: once the young generation reaches 8 MB it is set to 1, and it grows no more.
 * Measured on 10,000 jobs (sampled inside the process): a peak of about 120 MB instead of 145.
 */
function keepYoungGenerationSmall() {
  const youngGeneration = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  const watch = setInterval(() => {
    if (youngGeneration() < youngGenerationCapBytes) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(watch);
  }, 100);
  watch.unref();
}

async function main(): Promise<number> {
  const interrupt = new AbortController();
  const stopFor = (reason: 'SIGINT' | 'SIGTERM' | 'SIGPIPE', message: string) => {
    // A second Ctrl-C while stopping ends at once; temporary files never carry final names.
    if (interrupt.signal.aborted) process.exit(exitCodes.interrupted(reason));
    terminal.error(message);
    interrupt.abort(reason);
  };
  const terminal = processTerminal({
    // Nobody reads the results any more: stop as a shell's SIGPIPE would, but cleanly.
    onOutputClosed: () => {
      if (!interrupt.signal.aborted) stopFor('SIGPIPE', 'Standard output was closed: stopping…');
    },
  });
  const secretStore = createKeytarSecretStore(process.env.HEADSHOT_FETCHER_KEYCHAIN_SERVICE || keychainService);
  try {
    const command = parseCommandLine(process.argv.slice(2));
    if (command.command === 'help') {
      terminal.output(usage);
      return exitCodes.success;
    }
    if (command.command === 'key') return await runKey(command, { terminal, secretStore, env: process.env, promptHidden });

    collectGarbageEverySecond();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopFor(signal, `${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopping…`));
    return await runFetch(command, {
      terminal,
      fetch: abortableFetchWith(fetchHonouringProxy(process.env)),
      env: process.env,
      interrupt: interrupt.signal,
      async readApiKey() {
        const fromEnvironment = process.env.MODELSLAB_API_KEY?.trim();
        if (fromEnvironment) return { key: fromEnvironment, from: 'MODELSLAB_API_KEY' };
        const stored = await secretStore.read();
        return stored ? { key: stored, from: 'keychain' } : null;
      },
    });
  } catch (error) {
    if (error instanceof PromptCancelled) {
      terminal.error(error.message);
      return exitCodes.interrupted('SIGINT');
    }
    if (error instanceof UsageError) {
      terminal.error(`${error.message}\nRun "headshot-fetcher --help" for the options.`);
      return exitCodes.usage;
    }
    if (error instanceof KeychainUnavailableError) {
      terminal.error(`${error.message} Or set MODELSLAB_API_KEY.`);
      return exitCodes.keyProblem;
    }
    terminal.error(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return exitCodes.jobFailed;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
