// The text "Copy diagnostics" puts on the clipboard, for a bug report: versions, where the key is
// sent (the host only), how many jobs are in each state and the end of the log. Built here, away
// from Electron, so what it may hold is tested.
import { jobStates, type JobState } from '../../preload/api-contract';
import { removePersonalData } from './log-file';
import { fetchUrlFor } from './modelslab-client';

export interface DiagnosticsFacts {
  appVersion: string;
  /** process.versions in the app: electron, chrome and node. */
  versions: { electron?: string; chrome?: string; node?: string };
  /** The system's name and release, e.g. `linux 6.8.0 (x64)`. */
  os: string;
  endpointTemplate: string;
  jobs: ReadonlyArray<{ state: JobState }>;
  /** The last lines of the log file. */
  logTail: string;
  /** Removes the key in any form (the core's redactKey with the key it holds). */
  redactKey: (text: string) => string;
}

function hostOf(endpointTemplate: string): string {
  try {
    return new URL(fetchUrlFor(endpointTemplate, '1')).host;
  } catch {
    return 'not a valid address';
  }
}

export function buildDiagnostics(facts: DiagnosticsFacts): string {
  const counts = new Map<JobState, number>(jobStates.map((state) => [state, 0]));
  for (const job of facts.jobs) counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
  const text = [
    `Headshot Fetcher ${facts.appVersion}`,
    `Electron ${facts.versions.electron ?? 'unknown'}, Chrome ${facts.versions.chrome ?? 'unknown'}, Node ${facts.versions.node ?? 'unknown'}`,
    `System: ${facts.os}`,
    `Endpoint host: ${hostOf(facts.endpointTemplate)}`,
    `Jobs: ${facts.jobs.length} (${[...counts].map(([state, count]) => `${state} ${count}`).join(', ')})`,
    '',
    'Last lines of the log:',
    facts.logTail.trim() === '' ? '(the log is empty)' : facts.logTail,
  ].join('\n');
  return removePersonalData(facts.redactKey(text));
}
