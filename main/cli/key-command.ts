// `headshot-fetcher key set | status | clear`: the keychain entry the app uses.
import { validateApiKey } from '../core/request-payloads';
import type { SecretStore } from '../core/keychain';
import { unreachable } from '../../preload/shared/unreachable';
import { UsageError, type KeyCommand } from './arguments';
import { exitCodes, type Terminal } from './terminal';

export interface KeyEnvironment {
  terminal: Terminal;
  secretStore: SecretStore;
  env: Record<string, string | undefined>;
  /** Asks for the key on the terminal without showing it. */
  promptHidden(question: string): Promise<string>;
}

const ending = (key: string) => `…${key.slice(-4)}`;

export async function runKey(command: KeyCommand, { terminal, secretStore, env, promptHidden }: KeyEnvironment): Promise<number> {
  switch (command.action) {
    case 'set': {
      const typed = terminal.stdinIsTerminal ? await promptHidden('ModelsLab API key: ') : await terminal.readStdin();
      let key: string;
      try {
        key = validateApiKey(typed);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      await secretStore.write(key);
      terminal.error(`Saved the key ending ${ending(key)} in the system keychain; the app uses it too.`);
      return exitCodes.success;
    }
    case 'status': {
      const fromEnvironment = env.MODELSLAB_API_KEY?.trim();
      if (fromEnvironment) {
        terminal.output(`Using MODELSLAB_API_KEY (ending ${ending(fromEnvironment)}).`);
        return exitCodes.success;
      }
      const stored = await secretStore.read();
      if (stored) {
        terminal.output(`A key ending ${ending(stored)} is in the system keychain.`);
        return exitCodes.success;
      }
      terminal.output('No API key: set MODELSLAB_API_KEY, or store one with "headshot-fetcher key set".');
      return exitCodes.keyProblem;
    }
    case 'clear':
      await secretStore.erase();
      terminal.error('Removed the key from the system keychain.');
      return exitCodes.success;
    default:
      return unreachable(command.action);
  }
}
