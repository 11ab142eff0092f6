// When the app looks for a new version and what it offers: decided here, under plain Node, so it is
// tested; main/electron/updates.ts only connects electron-updater to it. Never during a save batch:
// a restart offered (or taken) then would cut the batch off.
import { unreachable } from '../../preload/shared/unreachable';

export type UpdateSupport = { enabled: true } | { enabled: false; reason: string };

export interface UpdateSupportFacts {
  /** An installed app; a development run has nothing to update. */
  packaged: boolean;
  /** electron-builder's `publish` setting was there at build time (it then writes app-update.yml). */
  feedConfigured: boolean;
  platform: NodeJS.Platform;
  /** Whether the app is code-signed; macOS installs an update only over a signed app. */
  signed: boolean;
}

const elsewhere = 'To update, download the new version from where you got this one.';

export function updateSupport(facts: UpdateSupportFacts): UpdateSupport {
  if (!facts.packaged) return { enabled: false, reason: 'Updates are checked only in an installed app, not in a development run.' };
  if (!facts.feedConfigured) return { enabled: false, reason: `This copy of Headshot Fetcher was built without an update feed, so it cannot update itself. ${elsewhere}` };
  if (facts.platform === 'darwin' && !facts.signed) {
    return { enabled: false, reason: `This copy of Headshot Fetcher is not signed, and macOS installs updates only over a signed app. ${elsewhere}` };
  }
  return { enabled: true };
}

/** electron-updater's part, reduced to what the decisions need. */
export interface Updater {
  /** The newer version on the feed, or null when this one is the latest. */
  check(): Promise<{ version: string } | null>;
  /** Downloads the version check() found, in the background. */
  download(): Promise<void>;
  /** Quits and installs the downloaded version. */
  restartAndInstall(): void;
}

export interface UpdateDialogs {
  /** Asks whether to restart now; true for "Restart to update". */
  offerRestart(version: string): Promise<boolean>;
  /** Tells the person what a check they asked for found. */
  tell(message: string): void;
}

export interface UpdateControllerOptions {
  support: UpdateSupport;
  updater: Updater;
  dialogs: UpdateDialogs;
  currentVersion: string;
  log: (message: string) => void;
}

type UpdateState =
  | { kind: 'idle' }
  | { kind: 'checking'; askedByPerson: boolean }
  | { kind: 'downloading'; version: string; askedByPerson: boolean }
  | { kind: 'downloaded'; version: string }
  | { kind: 'offering'; version: string };

export function createUpdateController(options: UpdateControllerOptions) {
  const { support, updater, dialogs } = options;
  let state: UpdateState = { kind: 'idle' };
  let batchActive = false;
  /** The restart was offered once and put off, or could not be offered during a batch: offered when the batch ends. */
  let offerWhenBatchEnds = false;

  async function offer(version: string) {
    if (batchActive) {
      offerWhenBatchEnds = true;
      return;
    }
    offerWhenBatchEnds = false;
    state = { kind: 'offering', version };
    const restart = await dialogs.offerRestart(version).catch(() => false);
    state = { kind: 'downloaded', version };
    // A batch that started while the question was open goes first.
    if (restart && batchActive) {
      offerWhenBatchEnds = true;
      return;
    }
    if (restart) {
      options.log(`Restarting to install version ${version}`);
      updater.restartAndInstall();
    }
  }

  async function check(askedByPerson: boolean): Promise<void> {
    if (!support.enabled) {
      if (askedByPerson) dialogs.tell(support.reason);
      return;
    }
    switch (state.kind) {
      case 'idle':
        break;
      case 'checking':
      case 'downloading':
        if (askedByPerson) {
          state.askedByPerson = true;
          dialogs.tell(state.kind === 'checking' ? 'Already looking for a new version.' : `Version ${state.version} is downloading; you will be asked to restart when it is ready.`);
        }
        return;
      case 'downloaded':
        if (askedByPerson) await offer(state.version);
        return;
      case 'offering':
        return;
      default:
        return unreachable(state);
    }
    state = { kind: 'checking', askedByPerson };
    let found: { version: string } | null;
    try {
      found = await updater.check();
    } catch (error) {
      const asked = state.kind === 'checking' && state.askedByPerson;
      state = { kind: 'idle' };
      options.log(`The update check failed: ${error instanceof Error ? error.message : String(error)}`);
      if (asked) dialogs.tell('Could not look for a new version: the update server did not answer. Check your connection and try again later.');
      return;
    }
    const asked = state.kind === 'checking' && state.askedByPerson;
    if (found === null) {
      state = { kind: 'idle' };
      if (asked) dialogs.tell(`You have the latest version (${options.currentVersion}).`);
      return;
    }
    options.log(`Version ${found.version} is available; downloading it`);
    state = { kind: 'downloading', version: found.version, askedByPerson: asked };
    if (asked) dialogs.tell(`Version ${found.version} is downloading; you will be asked to restart when it is ready.`);
    try {
      await updater.download();
    } catch (error) {
      const askedNow = state.kind === 'downloading' && state.askedByPerson;
      state = { kind: 'idle' };
      options.log(`The update download failed: ${error instanceof Error ? error.message : String(error)}`);
      if (askedNow) dialogs.tell(`Version ${found.version} could not be downloaded. Try Check for Updates again later.`);
      return;
    }
    state = { kind: 'downloaded', version: found.version };
    await offer(found.version);
  }

  return {
    /** The quiet check at start: a person hears of it only once an update is ready to install. */
    checkAtStart: () => check(false),
    /** Help › Check for updates…: says what it found, even "up to date". */
    checkNow: () => check(true),
    /** Follows the save batch: a restart is never offered while one runs, and a put-off offer comes back when it ends. */
    saveBatchActive(active: boolean) {
      const ended = batchActive && !active;
      batchActive = active;
      if (ended && offerWhenBatchEnds && state.kind === 'downloaded') void offer(state.version);
    },
  };
}
