// `headshot-fetcher fetch`: the app's engine (intake, queue, client, saver) with a terminal for a window.
import { mkdir, readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { JobView } from '../../preload/api-contract';
import { createLimiter, systemClock } from '../core/clock';
import { extractJobIds, type IntakeSource } from '../core/id-intake';
import { createImageDownloader } from '../core/image-download';
import { createJobQueue } from '../core/job-queue';
import { createJobSaver, type JobSaveResult } from '../core/job-saver';
import { createModelsLabClient, defaultEndpointTemplate, redactKey, type FetchFunction } from '../core/modelslab-client';
import { UsageError, type FetchCommand } from './arguments';
import { exitCodes, type Terminal } from './terminal';

export interface FetchEnvironment {
  terminal: Terminal;
  fetch: FetchFunction;
  /** The key from MODELSLAB_API_KEY or the keychain; null when there is none. */
  readApiKey(): Promise<string | null>;
  env: Record<string, string | undefined>;
  /** Aborted by Ctrl-C or SIGTERM. */
  interrupt: AbortSignal;
}

/** One line of --json output per finished job. */
export interface JobLine {
  id: string;
  status: 'saved' | 'failed';
  files: string[];
  error?: { code: JobErrorCode; message: string };
}

type JobErrorCode = 'job-failed' | 'fetch-failed' | 'save-failed' | 'key-rejected' | 'interrupted';

const maxRejectedShown = 20;

async function readSources(command: FetchCommand, terminal: Terminal): Promise<IntakeSource[]> {
  const sources: IntakeSource[] = [];
  if (command.ids.length > 0) sources.push({ name: null, text: command.ids.join('\n') });
  for (const file of command.idsFiles) {
    try {
      sources.push({ name: basename(file), text: await readFile(file, 'utf8') });
    } catch (error) {
      throw new UsageError(`Cannot read --ids-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
  }
  if (!terminal.stdinIsTerminal) sources.push({ name: null, text: await terminal.readStdin() });
  return sources;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export async function runFetch(command: FetchCommand, environment: FetchEnvironment): Promise<number> {
  const { terminal } = environment;
  const startedAt = Date.now();
  const extracted = extractJobIds(await readSources(command, terminal));
  for (const rejected of extracted.rejected.slice(0, maxRejectedShown)) terminal.error(`Skipped "${rejected.token}": ${rejected.reason}`);
  if (extracted.rejectedCount > maxRejectedShown) terminal.error(`… and ${extracted.rejectedCount - maxRejectedShown} more pieces that are not job IDs.`);
  if (extracted.ids.length === 0) throw new UsageError('No job IDs given: pass them as arguments, with --ids-file FILE, or on standard input.');

  const apiKey = await environment.readApiKey();
  if (apiKey === null) {
    terminal.error('No API key: set MODELSLAB_API_KEY, or store one with "headshot-fetcher key set".');
    return exitCodes.keyProblem;
  }
  const say = (text: string) => redactKey(text, apiKey);

  const folder = resolve(command.out);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new UsageError(`Cannot use --out ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }

  const requestTimeoutMs = (command.timeoutSeconds ?? 30) * 1000;
  const endpointTemplate = command.endpointTemplate ?? environment.env.HEADSHOT_FETCHER_ENDPOINT ?? defaultEndpointTemplate;
  const stop = new AbortController();
  const client = createModelsLabClient({ fetch: environment.fetch, endpointTemplate: () => endpointTemplate, requestTimeoutMs });
  const downloader = createImageDownloader({
    fetch: environment.fetch,
    requestTimeoutMs: command.timeoutSeconds === null ? 120_000 : requestTimeoutMs,
    stopSignal: stop.signal,
  });
  const saver = createJobSaver({ downloader, onNotice: (message) => terminal.error(say(message)) });
  const limitDownloads = createLimiter(() => command.concurrency);
  const savedAt = new Date();

  const finished = new Map<string, JobLine>();
  const states = new Map<string, JobView['state']>();
  let filesWritten = 0;
  let filesSkipped = 0;
  let bytesWritten = 0;
  let jobsSkipped = 0;
  let keyRejected: string | null = null;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolveDone) => (allDone = resolveDone));
  const savesUnderWay = new Set<Promise<void>>();

  function finish(line: JobLine) {
    if (finished.has(line.id)) return;
    finished.set(line.id, line);
    if (command.json) terminal.output(say(JSON.stringify(line)));
    else if (line.error && line.error.code !== 'interrupted') terminal.error(say(`Job ${line.id} failed: ${line.error.message}`));
    if (finished.size === extracted.ids.length) allDone();
    progress.update();
  }

  const progress = terminal.progressLine(() => {
    const count = (state: JobView['state']) => [...states.values()].filter((value) => value === state).length;
    const failed = [...finished.values()].filter((line) => line.status === 'failed').length;
    return `${finished.size}/${extracted.ids.length} done · ${finished.size - failed} saved · ${failed} failed · ${count('processing')} processing · ${formatBytes(bytesWritten)}`;
  }, !command.quiet);

  async function save(id: string) {
    const job = queue.readyJob(id);
    if (!job || !queue.markSaving(id)) return;
    let result: JobSaveResult;
    try {
      result = await limitDownloads(() =>
        stop.signal.aborted
          ? Promise.resolve({ paths: [], savedFiles: 0, skippedFiles: 0, failures: ['interrupted'] })
          : saver.saveJob(job, { folder, savedAt, ...command }, { onBytes: (count) => (bytesWritten += count), onImage: () => progress.update() }),
      );
    } catch (error) {
      result = { paths: [], savedFiles: 0, skippedFiles: 0, failures: [error instanceof Error ? error.message : String(error)] };
    }
    filesWritten += result.savedFiles;
    filesSkipped += result.skippedFiles;
    if (stop.signal.aborted && result.failures.length > 0) {
      queue.markSaveFailed(id, 'interrupted', result.paths);
      return finish({ id, status: 'failed', files: result.paths, error: { code: 'interrupted', message: 'Interrupted before it was saved.' } });
    }
    if (result.failures.length > 0) {
      queue.markSaveFailed(id, result.failures[0]!, result.paths);
      const more = result.failures.length > 1 ? ` (and ${result.failures.length - 1} more)` : '';
      return finish({ id, status: 'failed', files: result.paths, error: { code: 'save-failed', message: `${result.failures[0]}${more}` } });
    }
    queue.markSaved(id, result.paths);
    if (result.savedFiles === 0) jobsSkipped += 1;
    finish({ id, status: 'saved', files: result.paths });
  }

  const queue = createJobQueue({
    client,
    clock: systemClock,
    concurrency: () => command.concurrency,
    pollDeadlineMs: () => command.pollDeadlineSeconds * 1000,
    onJobChanged(view) {
      states.set(view.id, view.state);
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
      if (status.pausedBecause === 'key-rejected') {
        keyRejected = status.message;
        allDone();
      } else if (status.pausedBecause === 'rate-limited' && status.message) {
        terminal.error(say(status.message));
      }
    },
  });

  const onInterrupt = () => allDone();
  environment.interrupt.addEventListener('abort', onInterrupt);
  queue.setApiKey(apiKey);
  queue.add(extracted.ids);
  await done;
  environment.interrupt.removeEventListener('abort', onInterrupt);

  // Whatever ended the run, nothing goes on behind it: requests stop, downloads under way are
  // removed (never left under a final name), and the manifest holds what was saved.
  stop.abort();
  queue.dispose();
  await Promise.allSettled([...savesUnderWay]);
  const unfinishedCode: JobErrorCode = keyRejected !== null ? 'key-rejected' : 'interrupted';
  const unfinishedMessage = keyRejected ?? 'Interrupted before it was saved.';
  for (const id of extracted.ids) if (!finished.has(id)) finish({ id, status: 'failed', files: [], error: { code: unfinishedCode, message: unfinishedMessage } });
  progress.end();

  const lines = [...finished.values()];
  const failed = lines.filter((line) => line.status === 'failed').length;
  const summary = {
    saved: lines.length - failed - jobsSkipped,
    failed,
    skipped: jobsSkipped,
    files: filesWritten,
    bytes: bytesWritten,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
  };
  if (command.json) terminal.output(JSON.stringify({ summary }));
  else if (!command.quiet) {
    terminal.error(
      `${summary.saved} saved, ${summary.skipped} already saved, ${summary.failed} failed: ${filesWritten} files (${formatBytes(bytesWritten)}) written to ${folder} in ${summary.seconds} s.`,
    );
  }
  if (keyRejected !== null) {
    terminal.error(say(`${keyRejected} Set MODELSLAB_API_KEY or run "headshot-fetcher key set".`));
    return exitCodes.keyProblem;
  }
  if (environment.interrupt.aborted) {
    terminal.error('Interrupted. Run the same command again to fetch what is missing: files already saved are not downloaded again.');
    return exitCodes.interrupted(environment.interrupt.reason);
  }
  return failed > 0 ? exitCodes.jobFailed : exitCodes.success;
}
