// `headshot-fetcher fetch`: the app's engine (intake, queue, client, saver) with a terminal for a window.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { RejectedToken } from '../../preload/api-contract';
import { decodeFileBytes, type DecodedSource } from '../core/table-reading';
import { formatBytes } from '../../preload/shared/bytes';
import { systemClock } from '../core/clock';
import { extractJobIds } from '../core/id-intake';
import { createImageDownloader } from '../core/image-download';
import { createJobQueue } from '../core/job-queue';
import { createJobSaver } from '../core/job-saver';
import { createModelsLabClient, defaultEndpointTemplate, fetchUrlFor, isModelsLabEndpoint, redactKey, type FetchFunction } from '../core/modelslab-client';
import { createSaveDrive } from '../core/save-drive';
import { validateEndpointTemplate } from '../core/settings-store';
import { createLinkPolicy } from '../core/url-policy';
import { UsageError, type FetchCommand } from './arguments';
import { proxyVariableIn } from './proxy-fetch';
import { exitCodes, type Terminal } from './terminal';

/** The key and where it came from, which decides the fix to suggest when ModelsLab refuses it. */
export interface ApiKey {
  key: string;
  from: 'MODELSLAB_API_KEY' | 'keychain';
}

export interface FetchEnvironment {
  terminal: Terminal;
  fetch: FetchFunction;
  /** The key from MODELSLAB_API_KEY or the keychain; null when there is none. */
  readApiKey(): Promise<ApiKey | null>;
  env: Record<string, string | undefined>;
  /** Aborted by Ctrl-C, SIGTERM or a closed standard output; the reason is the signal's name. */
  interrupt: AbortSignal;
}

/** One line of --json output per finished job. */
export interface JobLine {
  id: string;
  status: 'saved' | 'failed';
  files: string[];
  error?: { code: JobErrorCode; message: string };
  /** Present when ModelsLab flagged the job's images as NSFW (they may be blank). */
  nsfw?: true;
}

type JobErrorCode = 'job-failed' | 'fetch-failed' | 'save-failed' | 'key-rejected' | 'account-refused' | 'interrupted' | 'unreachable';

const maxRejectedShown = 20;

/** Jobs left when the whole run stopped: the reason is said once at the end, not once per job. */
const runWideCodes: ReadonlySet<JobErrorCode> = new Set(['key-rejected', 'account-refused', 'unreachable']);
/** How many of those jobs are named on the terminal; --json lists every one. */
const maxUnfinishedShown = 10;
/**
 * Jobs in the queue at once, not yet finished. The rest wait as IDs only, and a finished job
 * leaves the queue once its line is written, so memory stays flat whether the run has 1,000 or
 * 100,000 jobs. Far above any concurrency, so the queue never runs dry while it is refilled.
 */
const jobsInQueue = 1_000;

/** --endpoint, else HEADSHOT_FETCHER_ENDPOINT, else ModelsLab's. The key goes wherever it points, so the variable is checked as strictly as the option. */
function endpointFor(command: FetchCommand, env: FetchEnvironment['env']): string {
  if (command.endpointTemplate !== null) return command.endpointTemplate;
  const fromEnvironment = env.HEADSHOT_FETCHER_ENDPOINT;
  if (!fromEnvironment) return defaultEndpointTemplate;
  try {
    return validateEndpointTemplate(fromEnvironment);
  } catch (error) {
    throw new UsageError(`HEADSHOT_FETCHER_ENDPOINT: ${error instanceof Error ? error.message : String(error)} Fix or unset the variable, or pass --endpoint.`);
  }
}

/** The texts to take IDs from; null when the run was stopped while reading them. */
async function readSources(command: FetchCommand, terminal: Terminal, interrupt: AbortSignal): Promise<DecodedSource[] | null> {
  const sources: DecodedSource[] = [];
  if (command.ids.length > 0) sources.push({ name: null, text: command.ids.join('\n') });
  for (const file of command.idsFiles) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file, { signal: interrupt });
    } catch (error) {
      if (interrupt.aborted) return null;
      throw new UsageError(`Cannot read --ids-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
    // Decoded as the window's drops are: UTF-8 or UTF-16 text, or an .xlsx workbook's sheets.
    try {
      sources.push(await decodeFileBytes(basename(file), bytes));
    } catch (error) {
      throw new UsageError(`Cannot read --ids-file ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!terminal.stdinIsTerminal) sources.push({ name: null, text: await terminal.readStdin(interrupt) });
  return interrupt.aborted ? null : sources;
}

/**
 * Whether a piece of text holds part of the key. Skipped pieces are shown cut to 40 characters, so
 * a key pasted among the IDs (or a KEY=… line) would show in part, never whole.
 */
function showsPartOf(text: string, key: string): boolean {
  const run = Math.min(8, key.length);
  for (let start = 0; start + run <= text.length; start += 1) if (key.includes(text.slice(start, start + run))) return true;
  return false;
}

function describeRejected({ token, reason }: RejectedToken, key: string | null): string {
  return key !== null && showsPartOf(token, key) ? `Skipped a piece holding your API key (not shown): ${reason}` : `Skipped "${token}": ${reason}`;
}

/** A wait in the largest unit that keeps it readable: "90 s", "30 min", "2 h". */
function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

const stoppedBeforeStart = (terminal: Terminal, interrupt: AbortSignal) => {
  terminal.error('Interrupted before any job was fetched.');
  return exitCodes.interrupted(interrupt.reason);
};

export async function runFetch(command: FetchCommand, environment: FetchEnvironment): Promise<number> {
  const { terminal, interrupt } = environment;
  const startedAt = Date.now();
  const endpointTemplate = endpointFor(command, environment.env);
  const sources = await readSources(command, terminal, interrupt);
  if (sources === null) return stoppedBeforeStart(terminal, interrupt);
  const extracted = extractJobIds(sources);

  // The key is read before the skipped pieces are listed, so that one holding it can be hidden.
  let apiKey: ApiKey | null = null;
  let keyError: unknown = null;
  try {
    apiKey = await environment.readApiKey();
  } catch (error) {
    keyError = error;
  }
  for (const rejected of extracted.rejected.slice(0, maxRejectedShown)) terminal.error(describeRejected(rejected, apiKey?.key ?? null));
  if (extracted.rejectedCount > maxRejectedShown) terminal.error(`… and ${extracted.rejectedCount - maxRejectedShown} more pieces that are not job IDs.`);
  for (const note of extracted.notes) terminal.error(note);
  if (extracted.ids.length === 0) throw new UsageError('No job IDs given: pass them as arguments, with --ids-file FILE, or on standard input.');
  if (keyError !== null) throw keyError;
  if (apiKey === null) {
    terminal.error('No API key: set MODELSLAB_API_KEY, or store one with "headshot-fetcher key set".');
    return exitCodes.keyProblem;
  }
  const { key } = apiKey;
  const say = (text: string) => redactKey(text, key);
  // The endpoint is the user's own choice here, typed by them; a stored key leaving for another host is still worth a word.
  const endpointHost = new URL(fetchUrlFor(endpointTemplate, '1'));
  if (apiKey.from === 'keychain' && !isModelsLabEndpoint(endpointHost)) {
    const chosenBy = command.endpointTemplate !== null ? '--endpoint' : 'HEADSHOT_FETCHER_ENDPOINT';
    terminal.error(`Sending the API key from the keychain to ${endpointHost.host}, which is not ModelsLab's (set by ${chosenBy}).`);
  }

  const folder = resolve(command.out);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new UsageError(`Cannot use --out ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }

  const requestTimeoutMs = (command.timeoutSeconds ?? 30) * 1000;
  const stop = new AbortController();
  const client = createModelsLabClient({ fetch: environment.fetch, endpointTemplate: () => endpointTemplate, requestTimeoutMs });
  const downloader = createImageDownloader({
    fetch: environment.fetch,
    requestTimeoutMs: command.timeoutSeconds === null ? 120_000 : requestTimeoutMs,
    linkPolicy: createLinkPolicy({
      endpointTemplate: () => endpointTemplate,
      allowPrivateNetwork: () => command.allowPrivateNetwork,
      privateNetworkSwitch: 'run again with --allow-private-network',
    }),
    stopSignal: stop.signal,
  });
  const saver = createJobSaver({
    downloader,
    onNotice: (message) => terminal.error(say(message)),
    // The queue (made below, before any save) knows whether ModelsLab answers: a download that got
    // no answer waits with it through an outage. Its waits end with the run (Ctrl-C, --offline-wait).
    reachability: {
      checkReachable: (signal) => queue.checkReachable(signal),
      whenReachable: (signal) => queue.whenReachable(signal),
    },
    stopSignal: stop.signal,
  });
  const { saveLayout, fileNameTemplate, conflictPolicy } = command;
  const saveTarget = { folder, saveLayout, fileNameTemplate, conflictPolicy, savedAt: new Date() };

  // Only whether each job finished, a byte by its place among the IDs given: a line is not needed
  // once written, and a set of 100,000 IDs would cost 40 bytes each for a yes or no.
  const finished = new Uint8Array(extracted.ids.length);
  let finishedCount = 0;
  /** The places of the jobs in the queue now, by ID: only they finish before the run ends. */
  const placeOf = new Map<string, number>();
  // Counted as they change, so drawing the progress line costs the same for 10 jobs or 100,000.
  const processing = new Set<string>();
  /** Jobs ModelsLab flagged as NSFW, said with their line. */
  const flaggedNsfw = new Set<string>();
  /** Jobs the run stopped before finishing (a refused key or account, ModelsLab out of reach), named together at the end. */
  const leftUnfinished: string[] = [];
  let failedCount = 0;
  let filesWritten = 0;
  let bytesDownloaded = 0;
  let bytesSaved = 0;
  let jobsSkipped = 0;
  let keyRejected: string | null = null;
  /** Set when ModelsLab stayed out of reach for --offline-wait: the run stops, and a second one picks up. */
  let unreachable: string | null = null;
  let offline = false;
  let offlineTimer: ReturnType<typeof setTimeout> | undefined;
  /** ModelsLab's refusal of the account (no credits, plan or permission), which stops the run like a rejected key. */
  let accountRefused: string | null = null;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolveDone) => (allDone = resolveDone));
  const savesUnderWay = new Set<Promise<void>>();

  function finish(line: JobLine, place = placeOf.get(line.id)) {
    if (place === undefined || finished[place] === 1) return;
    // Messages come from the server and the file system: none may carry the key, also not JSON-escaped.
    if (line.error) line.error.message = say(line.error.message);
    finished[place] = 1;
    finishedCount += 1;
    placeOf.delete(line.id);
    leaveQueue(line.id);
    if (line.status === 'failed') failedCount += 1;
    if (flaggedNsfw.has(line.id)) line.nsfw = true;
    if (command.json) terminal.output(JSON.stringify(line));
    else {
      if (line.nsfw) terminal.error(`Job ${line.id} was flagged as NSFW by ModelsLab; its images may be blank.`);
      if (line.error && runWideCodes.has(line.error.code)) leftUnfinished.push(line.id);
      else if (line.error && line.error.code !== 'interrupted') terminal.error(`Job ${line.id} failed: ${line.error.message}`);
    }
    if (finishedCount === extracted.ids.length) allDone();
    progress.update();
  }

  const progress = terminal.progressLine(
    () =>
      `${finishedCount}/${extracted.ids.length} done · ${finishedCount - failedCount} saved · ${failedCount} failed · ${processing.size} processing · ${formatBytes(bytesDownloaded)}`,
    !command.quiet,
  );

  async function save(id: string) {
    const [outcome] = await saveDrive.saveJobs([id], saveTarget, {
      onBytes: (count) => (bytesDownloaded += count),
      onImage: () => progress.update(),
    });
    if (!outcome) return;
    filesWritten += outcome.savedFiles;
    // Downloaded bytes include cut-off tries and images thrown away; the summary counts files saved.
    for (const size of await Promise.all(outcome.newFiles.map((path) => stat(path).then((info) => info.size, () => 0)))) bytesSaved += size;
    if (outcome.interrupted) {
      const code: JobErrorCode = unreachable !== null ? 'unreachable' : 'interrupted';
      return finish({ id, status: 'failed', files: outcome.paths, error: { code, message: unreachable !== null ? `Not saved: ${unreachable}` : 'Interrupted before it was saved.' } });
    }
    if (outcome.reason !== null) return finish({ id, status: 'failed', files: outcome.paths, error: { code: 'save-failed', message: outcome.reason } });
    if (outcome.savedFiles === 0) jobsSkipped += 1;
    finish({ id, status: 'saved', files: outcome.paths });
  }

  const queue = createJobQueue({
    client,
    clock: systemClock,
    concurrency: () => command.concurrency,
    pollDeadlineMs: () => command.pollDeadlineSeconds * 1000,
    onJobChanged(view) {
      if (view.state === 'processing') processing.add(view.id);
      else processing.delete(view.id);
      if (view.nsfwFlagged) flaggedNsfw.add(view.id);
      if (view.state === 'ready' && view.message === null) {
        const saving = save(view.id).finally(() => savesUnderWay.delete(saving));
        savesUnderWay.add(saving);
      } else if (view.state === 'failed') {
        finish({ id: view.id, status: 'failed', files: [], error: { code: view.retryable ? 'fetch-failed' : 'job-failed', message: view.message ?? 'Failed.' } });
      }
      progress.update();
    },
    onJobsRemoved: () => undefined,
    onStatusChanged(status) {
      const wasOffline = offline;
      offline = status.pausedBecause === 'offline';
      if (offline && !wasOffline) {
        // One line when it pauses, one when it resumes: the probes in between say nothing.
        // Behind a proxy, the proxy itself may be what is down: say which setting sends requests there.
        const proxy = proxyVariableIn(environment.env);
        const throughProxy = proxy === null ? '' : ` Requests go through the proxy set in ${proxy}: check that it runs.`;
        terminal.error(say(`${status.message}${throughProxy} Waiting up to ${describeWait(command.offlineWaitSeconds)} for it to come back…`));
        const message = status.message ?? "Can't reach ModelsLab.";
        offlineTimer = setTimeout(() => {
          unreachable = message;
          stop.abort();
          allDone();
        }, command.offlineWaitSeconds * 1000);
      } else if (wasOffline && !offline) {
        clearTimeout(offlineTimer);
        terminal.error('ModelsLab can be reached again: resuming.');
      }
      if (status.pausedBecause === 'key-rejected') {
        keyRejected = status.message;
        allDone();
      } else if (status.pausedBecause === 'account-refused') {
        accountRefused = status.message;
        allDone();
      } else if (status.pausedBecause === 'rate-limited' && status.message) {
        const seconds = status.holdUntil === null ? null : Math.max(1, Math.ceil((status.holdUntil - systemClock.now()) / 1000));
        terminal.error(say(seconds === null ? status.message : `${status.message} Resuming in ${seconds} s.`));
      }
    },
  });

  const saveDrive = createSaveDrive({ queue, saver, downloadConcurrency: () => command.concurrency, stopSignal: stop.signal });

  // The IDs enter the queue a window at a time; finished jobs leave it (after the change that
  // finished them has been told), and the window is filled again.
  let nextToQueue = 0;
  let leaving: string[] = [];
  function fillQueue() {
    const inQueue = nextToQueue - finishedCount;
    if (inQueue >= jobsInQueue || nextToQueue >= extracted.ids.length || queue.status().pausedBecause === 'key-rejected') return;
    const more = extracted.ids.slice(nextToQueue, nextToQueue + jobsInQueue - inQueue);
    for (const id of more) placeOf.set(id, nextToQueue++);
    queue.add(more, extracted.labels);
  }
  function leaveQueue(id: string) {
    leaving.push(id);
    if (leaving.length > 1) return;
    setImmediate(() => {
      const ids = leaving;
      leaving = [];
      if (disposed) return;
      queue.remove(ids);
      fillQueue();
    });
  }
  let disposed = false;

  // A stop removes downloads under way (never left under a final name); the manifest keeps what was saved.
  const onInterrupt = () => {
    stop.abort();
    allDone();
  };
  interrupt.addEventListener('abort', onInterrupt);
  // A stop while the key was read or the folder made: nothing has started, so nothing starts.
  if (interrupt.aborted) {
    interrupt.removeEventListener('abort', onInterrupt);
    return stoppedBeforeStart(terminal, interrupt);
  }
  // The folder is held for the whole run, so its record is read once and folded as the run goes.
  const releaseFolder = saver.holdFolder(folder);
  queue.setApiKey(key);
  fillQueue();
  await done;

  // No more API calls. Images of jobs already fetched need no key, so after a rejected key they are
  // still saved; only a stop (above) cuts them short.
  clearTimeout(offlineTimer);
  disposed = true;
  queue.dispose();
  await Promise.allSettled([...savesUnderWay]);
  await releaseFolder();
  interrupt.removeEventListener('abort', onInterrupt);
  const unfinishedCode: JobErrorCode =
    keyRejected !== null ? 'key-rejected' : accountRefused !== null ? 'account-refused' : unreachable !== null ? 'unreachable' : 'interrupted';
  const unfinishedMessage = keyRejected ?? accountRefused ?? (unreachable !== null ? `Not fetched: ${unreachable}` : 'Interrupted before it was saved.');
  extracted.ids.forEach((id, place) => {
    if (finished[place] === 0) finish({ id, status: 'failed', files: [], error: { code: unfinishedCode, message: unfinishedMessage } }, place);
  });
  progress.end();
  if (leftUnfinished.length > 0) {
    const named = leftUnfinished.slice(0, maxUnfinishedShown).join(', ');
    const more = leftUnfinished.length > maxUnfinishedShown ? ` and ${leftUnfinished.length - maxUnfinishedShown} more` : '';
    terminal.error(`${leftUnfinished.length === 1 ? 'Job' : `${leftUnfinished.length} jobs`} not finished: ${named}${more}.`);
  }

  const summary = {
    saved: finishedCount - failedCount - jobsSkipped,
    failed: failedCount,
    skipped: jobsSkipped,
    files: filesWritten,
    bytes: bytesSaved,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
  };
  if (command.json) terminal.output(JSON.stringify({ summary }));
  else if (!command.quiet) {
    terminal.error(
      `${summary.saved} saved, ${summary.skipped} already saved, ${summary.failed} failed: ${filesWritten} files (${formatBytes(bytesSaved)}) written to ${folder} in ${summary.seconds} s.`,
    );
  }
  if (keyRejected !== null) {
    // MODELSLAB_API_KEY wins over the keychain, so storing another key would change nothing.
    const fix =
      apiKey.from === 'MODELSLAB_API_KEY'
        ? 'MODELSLAB_API_KEY holds a key ModelsLab rejected: correct it, or unset it to use the key stored with "headshot-fetcher key set".'
        : 'Store a valid key with "headshot-fetcher key set", or set MODELSLAB_API_KEY.';
    terminal.error(say(`${keyRejected} ${fix}`));
    return exitCodes.keyProblem;
  }
  if (accountRefused !== null) {
    terminal.error(say(`${accountRefused} Run the same command again once that is done: files already saved are not downloaded again.`));
    return exitCodes.keyProblem;
  }
  if (unreachable !== null && !interrupt.aborted) {
    terminal.error(
      say(`${unreachable} Gave up after waiting ${describeWait(command.offlineWaitSeconds)}. Run the same command again to fetch what is missing: files already saved are not downloaded again.`),
    );
    return exitCodes.unreachable;
  }
  if (interrupt.aborted) {
    terminal.error('Interrupted. Run the same command again to fetch what is missing: files already saved are not downloaded again.');
    return exitCodes.interrupted(interrupt.reason);
  }
  return failedCount > 0 ? exitCodes.jobFailed : exitCodes.success;
}
