// The command line's entry: wires the process (arguments, streams, signals, keychain) to the commands.
import { KeychainUnavailableError, createKeytarSecretStore, keychainService } from '../core/keychain';
import { parseCommandLine, usage, UsageError } from './arguments';
import { runFetch } from './fetch-command';
import { runKey } from './key-command';
import { exitCodes, processTerminal } from './terminal';

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin, stderr } = process;
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return finish(null);
        if (character === '\u0003') return finish(new UsageError('Cancelled.'));
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

async function main(): Promise<number> {
  const terminal = processTerminal();
  const secretStore = createKeytarSecretStore(process.env.HEADSHOT_FETCHER_KEYCHAIN_SERVICE || keychainService);
  try {
    const command = parseCommandLine(process.argv.slice(2));
    if (command.command === 'help') {
      terminal.output(usage);
      return exitCodes.success;
    }
    if (command.command === 'key') return await runKey(command, { terminal, secretStore, env: process.env, promptHidden });

    const interrupt = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        // A second Ctrl-C while stopping ends at once; temporary files never carry final names.
        if (interrupt.signal.aborted) process.exit(exitCodes.interrupted(signal));
        terminal.error(`${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}: stopping…`);
        interrupt.abort(signal);
      });
    }
    return await runFetch(command, {
      terminal,
      fetch: (url, init) => fetch(url, init),
      env: process.env,
      interrupt: interrupt.signal,
      readApiKey: async () => process.env.MODELSLAB_API_KEY?.trim() || (await secretStore.read()),
    });
  } catch (error) {
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
