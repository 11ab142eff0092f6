// The one IPC contract: every request and event that crosses between the renderer and main.
// Main, preload and renderer all take their types from here, so a renamed channel or a changed
// payload fails to compile on every side at once.
import type { JobLabels } from './shared/job-labels';
import type { SaveLayout } from './shared/save-layouts';

/** A job's states, in the order a job goes through them (failed last): the order the window counts and sorts them in. */
export const jobStates = ['queued', 'fetching', 'processing', 'ready', 'saving', 'saved', 'failed'] as const;
export type JobState = (typeof jobStates)[number];

export interface JobView {
  id: string;
  state: JobState;
  /** Seconds the API estimated, while processing. */
  etaSeconds: number | null;
  /** The API's message for a failed job, or why the last save did not finish. */
  message: string | null;
  /** For a failed job: whether fetching it again may help. */
  retryable: boolean;
  imageCount: number;
  /** When the image links were first seen (ms since 1970): ModelsLab deletes them after 24 hours. */
  outputsFirstSeenAt: number | null;
  /** Where its images were saved so far, absolute paths. */
  savedPaths: string[];
  /** ModelsLab flagged the job's images as NSFW; they may be blank. */
  nsfwFlagged: boolean;
  /** The host names its image links point at (each once): whether they expire depends on them. */
  imageHosts: string[];
  /** The other cells of the table row the ID came from (header → value), in column order; absent for an ID from plain text (so 100,000 such jobs cost no bytes for it). */
  labels?: JobLabels;
}

/** A piece of the job list as it was when its reading started. */
export interface JobListPiece {
  reading: number;
  /** Jobs in the list at that moment; the reading is done once `from` plus the views reaches it. */
  total: number;
  views: JobView[];
}

/** What the window may know of the key: never the key itself. */
export interface KeyStatus {
  isSet: boolean;
  lastFour: string | null;
  /** Where the key is kept: the system keychain, or main's memory until the app quits (a machine without a keychain). */
  storedIn: 'keychain' | 'session' | null;
}

export interface RejectedToken {
  token: string;
  reason: string;
}

/** Text to take job IDs from: a paste, a dropped text, or a file read by the window. */
export interface IntakeSource {
  /** The file's name, which tells how to read it (.csv, .json, .jsonl …); null for plain text. */
  name: string | null;
  text: string;
  /**
   * The file's bytes as base64, for what the window cannot read as UTF-8 text (an .xlsx workbook,
   * UTF-16 text): main decides the format. `text` is then empty. At most a dropped file's size limit.
   */
  bytes?: string;
}

/** What one drop or paste did. */
export interface IntakeSummary {
  added: number;
  /** IDs that appeared more than once in this drop. */
  repeatedInDrop: number;
  /** IDs that were already in the job list. */
  alreadyListed: number;
  /** The first rejected tokens with their reasons; `rejectedCount` counts them all. */
  rejected: RejectedToken[];
  rejectedCount: number;
  /** Jobs already in the list that took labels from this drop's table. */
  labelled?: number;
  /** How files were read (which sheets of a workbook) and files that could not be read, in words. */
  notes?: string[];
}

export type { JobLabels, SaveLayout };

/** What the application menu asks the window to do. */
export const menuCommands = ['open-ids-file', 'choose-folder', 'save-all-ready', 'open-settings'] as const;
export type MenuCommand = (typeof menuCommands)[number];

/** What reading files for IDs did, main side (the file dialog, a second launch, a file opened with the app): as a drop's report. */
export interface FileIntakeReport {
  /** Null when nothing could be added (no file chosen, or none readable). */
  summary: IntakeSummary | null;
  /** Files refused, each with the reason. */
  problems: string[];
  /** The names (not paths) of the files read, for the report to name as a drop's are. Never logged. */
  files?: string[];
  /** The first job this intake added, for the window to scroll to once its row arrives. */
  firstAdded?: string;
}

/** What to do when the file name is taken by another file: keep it, replace it, or keep both as "name (2).png". */
export const conflictPolicies = ['skip', 'overwrite', 'rename'] as const;
export type ConflictPolicy = (typeof conflictPolicies)[number];

export interface Settings {
  /** URL with `{id}` where the job ID goes. */
  endpointTemplate: string;
  /** How many fetch calls may be in flight at once. */
  concurrency: number;
  /** How many images may download at once. */
  downloadConcurrency: number;
  /** How long a job may stay processing before it fails, with retry offered. */
  pollDeadlineSeconds: number;
  saveLayout: SaveLayout;
  /** File name with tokens such as {id}, {n} and {ext}; "/" makes subfolders. */
  fileNameTemplate: string;
  conflictPolicy: ConflictPolicy;
  /** Save each job into the current folder the moment it is ready. */
  saveAsTheyArrive: boolean;
  /** "Allow image links to my private network": image links to private and link-local addresses are followed. */
  allowPrivateNetworkLinks: boolean;
  /** The spreadsheet column the list shows as Name, as the person picked it; unset: the first that reads like a name. */
  nameColumn?: string | null;
  /** Spreadsheet columns recorded in the save manifest besides those the template uses and the Name column (an email, a phone number): only what the person ticked. */
  manifestColumns?: string[];
}

/** Folders the person chose with the native dialog, most recent first: the only ones main writes into. */
export interface SaveFolders {
  recent: string[];
}

export interface SaveSummary {
  folder: string;
  savedJobs: number;
  /** Files written now. */
  savedFiles: number;
  /** Files that were already saved, or left alone because their name was taken (conflict policy "skip"). */
  skippedFiles: number;
  failedJobs: number;
}

/** The save batch under way, or the last one: what the progress bar shows. */
export interface SaveProgress {
  active: boolean;
  folder: string | null;
  jobsTotal: number;
  jobsSaved: number;
  jobsFailed: number;
  filesTotal: number;
  /** Files written or found already saved. */
  filesDone: number;
  filesSkipped: number;
  bytesWritten: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Jobs of the batch that "Stop saving" cut short (also counted in jobsFailed); they stay ready. */
  jobsStopped?: number;
}

/** The cache of images main downloaded for previews, kept so that saving them later copies instead of downloading. */
export interface ImageCacheUsage {
  bytes: number;
  files: number;
  maxBytes: number;
}

/**
 * Why the queue does not run. 'offline': the endpoint cannot be reached; the queue probes it and
 * resumes by itself. 'account-refused': ModelsLab answered 402 (no credits) or 403 (plan or
 * permission); the user resumes once it is dealt with.
 */
export type QueuePauseReason = 'no-key' | 'key-rejected' | 'account-refused' | 'user' | 'rate-limited' | 'offline';

export interface QueueStatus {
  pausedBecause: QueuePauseReason | null;
  message: string | null;
  /** When the queue goes on by itself (ms since 1970): the end of a rate limit's hold; null when it waits for nothing timed. */
  holdUntil: number | null;
  /** While offline: when the next probe of the endpoint goes out (ms since 1970), for a countdown; null while one is out. */
  nextProbeAt?: number | null;
}

/** A message from main that no request asked for; the id lets the window show each once. */
export interface Notice {
  id: number;
  message: string;
}

export type ErrorCode =
  | 'invalid-request'
  | 'invalid-key-format'
  | 'invalid-settings'
  | 'keychain-unavailable'
  | 'folder-not-allowed'
  /** The chosen folder is gone (deleted, moved, a drive not connected): it left the recent list. */
  | 'folder-missing'
  | 'endpoint-not-confirmed'
  | 'nothing-to-save'
  | 'not-found'
  | 'internal';

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Requests from the renderer, each answered once by main. */
export interface Requests {
  getKeyStatus: { request: void; response: KeyStatus };
  setKey: { request: { key: string; sessionOnly?: boolean }; response: KeyStatus };
  clearKey: { request: void; response: KeyStatus };
  addJobs: { request: { sources: IntakeSource[] }; response: IntakeSummary };
  listJobs: { request: void; response: JobView[] };
  /**
   * The job list in pieces (a screenful first, then up to 10,000 each; see shared/job-pieces.ts), so
   * a window opening on 100,000 jobs draws its first rows before the rest arrives. `reading` null
   * starts a reading of the list as it is now; its next pieces are asked for with the number it
   * answered and `from`, and come from that same list, whatever changed since.
   */
  listJobPiece: { request: { reading: number | null; from: number }; response: JobListPiece };
  /** Fetches failed jobs again: the ones named, or every failed one. */
  retryJobs: { request: { ids: string[] | 'all-failed' }; response: { retried: number } };
  /** Stops fetching these jobs; they fail as cancelled and can be retried. */
  cancelJobs: { request: { ids: string[] }; response: { cancelled: number } };
  /** Removes jobs from the list (except while they are being saved). */
  removeJobs: { request: { ids: string[] | 'all' }; response: { removed: number } };
  clearSavedJobs: { request: void; response: { removed: number } };
  pauseQueue: { request: void; response: QueueStatus };
  resumeQueue: { request: void; response: QueueStatus };
  getQueueStatus: { request: void; response: QueueStatus };
  /** Checks at once whether ModelsLab can be reached ("Try now", the window going online or offline). */
  retryConnectionNow: { request: void; response: QueueStatus };
  /** Messages from main since it started, such as a stored file that could not be read. */
  listNotices: { request: void; response: Notice[] };
  getSettings: { request: void; response: Settings };
  updateSettings: { request: Partial<Settings>; response: Settings };
  listSaveFolders: { request: void; response: SaveFolders };
  /** Opens the native folder dialog; a chosen folder becomes the most recent. */
  chooseSaveFolder: { request: void; response: { folder: string | null } };
  /** Saves the named ready jobs, or all ready ones, into a folder chosen with the dialog. */
  saveJobs: { request: { folder: string; ids: string[] | 'all-ready' }; response: SaveSummary };
  getSaveProgress: { request: void; response: SaveProgress };
  /** Stops the save batches under way ("Stop saving"): nothing half-written keeps a final name, and saving again finishes them. */
  stopSaving: { request: void; response: { stopped: number } };
  /** Shows a saved job's files, or a save folder, in the system file manager. */
  showInFolder: { request: { jobId: string } | { folder: string }; response: void };
  getImageCacheUsage: { request: void; response: ImageCacheUsage };
  clearImageCache: { request: void; response: ImageCacheUsage };
  /** Opens the native file dialog for files with job IDs and adds what they hold; summary null when cancelled. */
  openIdsFiles: { request: void; response: FileIntakeReport };
}

/** Events pushed from main to the renderer. */
export interface Events {
  /** Jobs whose view changed since the last event, batched. */
  jobsUpdated: JobView[];
  /** Jobs that left the list. */
  jobsRemoved: string[];
  queueStatus: QueueStatus;
  /** Something the person should know that no request asked for. */
  notice: Notice;
  saveProgress: SaveProgress;
  /** The recent folders changed (a folder was chosen or saved into). */
  saveFolders: SaveFolders;
  /** A menu item the window carries out. */
  menuCommand: MenuCommand;
  /** IDs and files that came from outside the window (a second launch, a file opened with the app), already added. */
  handedOver: FileIntakeReport;
}

export type RequestName = keyof Requests;
export type EventName = keyof Events;
export type RequestOf<N extends RequestName> = Requests[N]['request'];
export type ResponseOf<N extends RequestName> = Requests[N]['response'];

// A Record over the keys makes a missing or extra name a compile error.
const requestNameSet: Record<RequestName, true> = {
  getKeyStatus: true,
  setKey: true,
  clearKey: true,
  addJobs: true,
  listJobs: true,
  listJobPiece: true,
  retryJobs: true,
  cancelJobs: true,
  removeJobs: true,
  clearSavedJobs: true,
  pauseQueue: true,
  resumeQueue: true,
  getQueueStatus: true,
  retryConnectionNow: true,
  listNotices: true,
  getSettings: true,
  updateSettings: true,
  listSaveFolders: true,
  chooseSaveFolder: true,
  saveJobs: true,
  getSaveProgress: true,
  stopSaving: true,
  showInFolder: true,
  getImageCacheUsage: true,
  clearImageCache: true,
  openIdsFiles: true,
};
const eventNameSet: Record<EventName, true> = {
  jobsUpdated: true,
  jobsRemoved: true,
  queueStatus: true,
  notice: true,
  saveProgress: true,
  saveFolders: true,
  menuCommand: true,
  handedOver: true,
};

export const requestNames = Object.keys(requestNameSet) as RequestName[];
export const eventNames = Object.keys(eventNameSet) as EventName[];

export const requestChannel = (name: RequestName): string => `headshots:request:${name}`;
export const eventChannel = (name: EventName): string => `headshots:event:${name}`;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && Object.hasOwn(requestNameSet, value);
}

/** The API the preload puts on `window.headshots`. */
export type HeadshotApi = {
  [N in RequestName]: RequestOf<N> extends void
    ? () => Promise<Result<ResponseOf<N>>>
    : (request: RequestOf<N>) => Promise<Result<ResponseOf<N>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export const bridgeGlobalName = 'headshots';

