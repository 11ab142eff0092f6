// The command line, parsed into what to do; every mistake becomes a UsageError naming the fix.
import { parseArgs } from 'node:util';
import { conflictPolicies, type ConflictPolicy, type SaveLayout } from '../../preload/api-contract';
import { checkFileNameTemplate, defaultFileNameTemplate } from '../../preload/shared/file-names';
import { defaultSaveLayout, saveLayouts } from '../../preload/shared/save-layouts';
import { settingRanges, validateEndpointTemplate } from '../core/settings-store';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const usage = `Usage:
  headshot-fetcher fetch [ID ...] [--ids-file FILE ...] --out DIR
      [--endpoint URL_TEMPLATE] [--concurrency N] [--layout ${saveLayouts.join('|')}]
      [--name TEMPLATE] [--on-conflict skip|overwrite|rename]
      [--poll-deadline SECONDS] [--offline-wait SECONDS] [--timeout SECONDS] [--allow-private-network] [--json] [--quiet]
  headshot-fetcher key set | key status | key clear

IDs come from the arguments, from --ids-file (text, CSV, TSV, JSON or JSONL) and from standard
input when it is not a terminal. The key comes from MODELSLAB_API_KEY, else from the keychain entry
the app uses ("headshot-fetcher key set" stores it there).

Options:
  --out DIR             the folder to save into (made if missing)
  --endpoint TEMPLATE   the fetch URL with {id} (default: HEADSHOT_FETCHER_ENDPOINT or ModelsLab's)
  --concurrency N       API calls at once, and image downloads at once (default 4)
  --layout L            ${saveLayouts.join(', ')}: the subfolders, if any (default ${defaultSaveLayout})
  --name TEMPLATE       file names from {id} {n} {count} {date} {time} {ext} (default ${defaultFileNameTemplate})
  --on-conflict P       when a name is taken: skip, overwrite or rename (default rename: keep both)
  --poll-deadline S     fail a job still processing after S seconds (default 1800)
  --offline-wait S      when ModelsLab cannot be reached, wait up to S seconds for it to come back,
                        then stop with exit status 4 (default: the poll deadline)
  --timeout S           give up one HTTP request after S seconds (default 30; images 120)
  --allow-private-network
                        follow image links to private and link-local addresses (storage on your
                        own network); refused by default
  --json                one JSON object per finished job on stdout, then a summary
  --quiet               no progress line

Exit status: 0 every job saved (or already saved), 1 a job failed, 2 usage error, 3 API key missing or
rejected, or the account refused (no credits, HTTP 402; plan or permission, HTTP 403), 4 could not reach
ModelsLab within --offline-wait (run again to fetch what is missing), 130 or 143 stopped by Ctrl-C or
SIGTERM, 141 standard output closed (as by | head).`;

export interface FetchCommand {
  command: 'fetch';
  ids: string[];
  idsFiles: string[];
  out: string;
  endpointTemplate: string | null;
  concurrency: number;
  saveLayout: SaveLayout;
  fileNameTemplate: string;
  conflictPolicy: ConflictPolicy;
  pollDeadlineSeconds: number;
  /** How long the run waits for an endpoint that cannot be reached before it stops (exit status 4). */
  offlineWaitSeconds: number;
  timeoutSeconds: number | null;
  allowPrivateNetwork: boolean;
  json: boolean;
  quiet: boolean;
}

export type KeyCommand = { command: 'key'; action: 'set' | 'status' | 'clear' };
export type Command = FetchCommand | KeyCommand | { command: 'help' };

function wholeNumber(value: string | undefined, option: string, range: { min: number; max: number }, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < range.min || number > range.max) {
    throw new UsageError(`${option} must be a whole number from ${range.min} to ${range.max} (got "${value}").`);
  }
  return number;
}

function choice<T extends string>(value: string | undefined, option: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new UsageError(`${option} must be one of ${choices.join(', ')} (got "${value}").`);
  return value as T;
}

export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help') return { command: 'help' };
  // "fetch --help" is how people ask; before "--", it is never an ID or a value.
  const beforeSeparator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeSeparator.some((word) => word === '--help' || word === '-h')) return { command: 'help' };
  if (command === 'key') {
    const [action, ...extra] = rest;
    if ((action === 'set' || action === 'status' || action === 'clear') && extra.length === 0) return { command: 'key', action };
    if (action === 'set') throw new UsageError('"key set" takes no argument: the key is read from standard input or a hidden prompt, so it never shows in your shell history.');
    throw new UsageError('Use "key set", "key status" or "key clear".');
  }
  if (command !== 'fetch') throw new UsageError(`Unknown command "${command}": use "fetch" or "key".`);

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        'ids-file': { type: 'string', multiple: true },
        out: { type: 'string' },
        endpoint: { type: 'string' },
        concurrency: { type: 'string' },
        layout: { type: 'string' },
        name: { type: 'string' },
        'on-conflict': { type: 'string' },
        'poll-deadline': { type: 'string' },
        'offline-wait': { type: 'string' },
        timeout: { type: 'string' },
        'allow-private-network': { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '.') : String(error));
  }
  const { values, positionals } = parsed;
  if (!values.out) throw new UsageError('Say where to save the headshots with --out DIR.');
  const saveLayout = choice(values.layout, '--layout', saveLayouts, defaultSaveLayout);
  const fileNameTemplate = values.name ?? defaultFileNameTemplate;
  const templateProblem = checkFileNameTemplate(fileNameTemplate, saveLayout);
  if (templateProblem) throw new UsageError(`--name: ${templateProblem}`);
  let endpointTemplate: string | null = null;
  if (values.endpoint !== undefined) {
    try {
      endpointTemplate = validateEndpointTemplate(values.endpoint);
    } catch (error) {
      throw new UsageError(`--endpoint: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const pollDeadlineSeconds = wholeNumber(values['poll-deadline'], '--poll-deadline', settingRanges.pollDeadlineSeconds, 1800);
  return {
    command: 'fetch',
    ids: positionals,
    idsFiles: values['ids-file'] ?? [],
    out: values.out,
    endpointTemplate,
    concurrency: wholeNumber(values.concurrency, '--concurrency', settingRanges.concurrency, 4),
    saveLayout,
    fileNameTemplate,
    conflictPolicy: choice(values['on-conflict'], '--on-conflict', conflictPolicies, 'rename'),
    pollDeadlineSeconds,
    offlineWaitSeconds: wholeNumber(values['offline-wait'], '--offline-wait', { min: 0, max: settingRanges.pollDeadlineSeconds.max }, pollDeadlineSeconds),
    timeoutSeconds: values.timeout === undefined ? null : wholeNumber(values.timeout, '--timeout', { min: 1, max: 3600 }, 30),
    allowPrivateNetwork: values['allow-private-network'] ?? false,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
}
