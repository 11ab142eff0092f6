// File names from the person's template, safe on Windows, macOS and Linux. Plain TypeScript with no
// Node imports: the window uses the same rules for its live example.
import { headerKey, labelValue, type JobLabels } from './job-labels';
import { saveLayoutRules, type SaveLayout } from './save-layouts';

export const defaultFileNameTemplate = '{id}-{n}.{ext}';
export const fileNameTokens = ['id', 'n', 'count', 'date', 'time', 'ext'] as const;
export type FileNameToken = (typeof fileNameTokens)[number];

export const fileNameTokenHelp: Record<FileNameToken, string> = {
  id: 'the job ID',
  n: 'the image number, from 1',
  count: 'how many images the job has',
  date: 'the day of saving, 2026-11-24',
  time: 'the time of saving, 14-05-09',
  ext: 'png, jpg or webp, from the image itself',
};

/** `{col:Full Name}`: the job's cell under that header (matched without regard to case or spaces); its ID when it has none. */
export const columnTokenPrefix = 'col:';
export const columnToken = (header: string): string => `{${columnTokenPrefix}${header}}`;

export interface FileNameValues {
  id: string;
  /** The image number, from 1. */
  n: number;
  count: number;
  /** When the batch was saved: gives {date}, {time} and the per-day folder. */
  savedAt: Date;
  ext: string;
  /** The job's labels, for {col:…} tokens. */
  labels?: JobLabels;
  /** Another job earlier in the list has the same value: the last column value gets " (ID)" added. */
  addIdToLabels?: boolean;
}

const maxTemplateLength = 200;
/** Most file systems allow 255 bytes per name; the margin leaves room for " (2)". */
const maxSegmentBytes = 240;
const tokenPattern = /\{([^{}]*)\}/g;
// Characters Windows refuses in names (and ":" which macOS Finder shows as "/"), and control characters.
// eslint-disable-next-line no-control-regex
const forbiddenCharacters = /[<>:"|?*\u0000-\u001f\u007f]/g;
const reservedWindowsName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const pad = (value: number) => String(value).padStart(2, '0');
export const formatDate = (at: Date) => `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
const formatTime = (at: Date) => `${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;

/** Why a template cannot be used, or null when it can. */
export function checkFileNameTemplate(template: string, layout: SaveLayout): string | null {
  if (template.trim() === '') return 'The file name cannot be empty.';
  if (template.length > maxTemplateLength) return `The file name template is longer than ${maxTemplateLength} characters.`;
  if (/[{}]/.test(template.replace(tokenPattern, ''))) return 'A "{" or "}" is not closed: tokens look like {id}.';
  const used = new Set<string>();
  let usesColumns = false;
  for (const [, token] of template.matchAll(tokenPattern)) {
    if (token!.toLowerCase().startsWith(columnTokenPrefix)) {
      if (headerKey(token!.slice(columnTokenPrefix.length)) === '') return 'Write a column\'s header after "col:", such as {col:Name}.';
      usesColumns = true;
      continue;
    }
    if (!(fileNameTokens as readonly string[]).includes(token!)) {
      return `Unknown token {${token}}: use ${fileNameTokens.map((name) => `{${name}}`).join(', ')}, or {col:HEADER} for a column of your table.`;
    }
    used.add(token!);
  }
  // Every image needs a name of its own, or images would replace or skip each other.
  if (!used.has('n')) return 'The file name needs {n}: a job can have several images.';
  // With a column, names are kept apart at save time: a later job with the same value gets its ID added.
  if (!used.has('id') && !usesColumns && !saveLayoutRules[layout].jobHasOwnFolder) {
    return 'The file name needs {id} or a column such as {col:Name}, unless each job has its own subfolder.';
  }
  const { folders, baseName } = templateSegments(template);
  // Folders are made before the download tells the image's real type.
  if (folders.some((folder) => folder.includes('{ext}'))) return '{ext} can only be in the file name, not in a folder.';
  for (const segment of [...folders, baseName]) {
    // Numbers with only digits between them run together: job 1 image 12 and job 11 image 2 would both be "112".
    const run = /\{(id|n|count)\}\d*\{(id|n|count)\}/.exec(segment);
    if (run) return `Put something other than a digit between {${run[1]}} and {${run[2]}}, such as "-": otherwise two images can get the same name.`;
  }
  // A name cut to fit would lose its tokens, and different images would get one name. A column's
  // value is shortened at save time to fit (never the ID added to keep it apart), so only that ID counts here.
  const longest = [...folders, `${baseName}.webp`].map((segment) => utf8Length(fillTokens(segment, longestTokenValues, () => ` (${longestTokenValues.id})`)));
  if (Math.max(...longest) > maxSegmentBytes) return `The file name template makes names longer than ${maxSegmentBytes} bytes: shorten it.`;
  return null;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Cuts a name to the byte limit without splitting a character. */
function truncateToBytes(name: string, maxBytes: number): string {
  let characters = [...name];
  while (characters.length > 1 && utf8Length(characters.join('')) > maxBytes) characters = characters.slice(0, -1);
  return characters.join('').trimEnd();
}

/**
 * One folder or file name made safe: no forbidden characters, reserved names, hidden dots or
 * trailing dots. `extension` (".png") is added after the name is cleaned, so it always survives.
 */
export function safeNameSegment(raw: string, extension = ''): string {
  let name = raw.replace(forbiddenCharacters, '_').trim();
  // A leading dot hides a file on macOS and Linux; trailing dots and spaces vanish on Windows.
  name = name.replace(/^\.+/, (dots) => '_'.repeat(dots.length)).replace(/[. ]+$/, '');
  if (name === '') name = '_';
  if (reservedWindowsName.test(name.split('.')[0]!.trim())) name = `_${name}`;
  return truncateToBytes(name, maxSegmentBytes - utf8Length(extension)).replace(/[. ]+$/, '') + extension;
}

/**
 * The template's folders and file name, tokens not yet filled in. "/" or "\" make subfolders;
 * ".." and empty segments are dropped, so no template can climb out of the folder.
 */
function templateSegments(template: string): { folders: string[]; baseName: string } {
  // The extension always ends the name, so files open in the right program whatever the template says.
  const withoutExtension = template.replace(/[. ]+$/, '').replace(/\.\{ext\}$/, '');
  const folders = withoutExtension.split(/[/\\]+/).filter((segment) => segment.trim() !== '' && !/^\s*\.{1,2}\s*$/.test(segment));
  const baseName = folders.pop() ?? '';
  return { folders, baseName };
}

const isColumnToken = (token: string) => token.toLowerCase().startsWith(columnTokenPrefix);

const fillTokens = (segment: string, tokenValues: Record<FileNameToken, string>, columnValue: (header: string) => string = () => '') =>
  segment.replace(tokenPattern, (_, token: string) => (isColumnToken(token) ? columnValue(token.slice(columnTokenPrefix.length)) : (tokenValues[token as FileNameToken] ?? '')));

/** The headers of the template's {col:…} tokens, in order. */
export function templateColumns(template: string): string[] {
  return [...template.matchAll(tokenPattern)].flatMap(([, token]) => (isColumnToken(token!) ? [token!.slice(columnTokenPrefix.length)] : []));
}

/** A cell's value as it may stand in a name: no slashes (they would make folders). */
const cellForName = (value: string) => value.replace(/[/\\]+/g, '_');

/** How the file system will compare two names: made safe, Unicode NFC, without regard to case (as macOS and Windows do). */
export const nameForComparison = (value: string): string => safeNameSegment(cellForName(value)).normalize('NFC').toLowerCase();

/**
 * The jobs that must have their ID added to a column's value because a job earlier in the list has
 * the same values (as the file system compares names) in the template's columns. None when names
 * cannot meet: no column token, {id} in the template, or a folder per job.
 */
export function jobsNeedingIdInNames(template: string, layout: SaveLayout, jobs: Iterable<{ id: string; labels?: JobLabels }>): Set<string> {
  const needing = new Set<string>();
  const columns = templateColumns(template);
  if (columns.length === 0 || /\{id\}/.test(template) || saveLayoutRules[layout].jobHasOwnFolder) return needing;
  const seen = new Set<string>();
  for (const job of jobs) {
    const key = columns.map((header) => nameForComparison(labelValue(job.labels, header) ?? job.id)).join('\u0000');
    if (seen.has(key)) needing.add(job.id);
    else seen.add(key);
  }
  return needing;
}

/**
 * One segment with its tokens filled: a column's value is its cell (or the ID when the job has
 * none), " (ID)" added to the last one when `idSuffixAt` says so, and the values shortened so the
 * whole fits, never the ID.
 */
function fillSegment(segment: string, tokenValues: Record<FileNameToken, string>, values: FileNameValues, extensionBytes: number, idSuffixAt: number, columnIndex: { next: number }): string {
  const columnCount = [...segment.matchAll(tokenPattern)].filter(([, token]) => isColumnToken(token!)).length;
  if (columnCount === 0) return fillTokens(segment, tokenValues);
  const first = columnIndex.next;
  columnIndex.next += columnCount;
  const suffixFor = (index: number) => (index === idSuffixAt ? ` (${values.id})` : '');
  // What the segment holds besides the columns' own values: their room is what is left.
  let index = first;
  const fixedBytes = utf8Length(fillTokens(segment, tokenValues, () => suffixFor(index++)));
  const room = Math.max(8, Math.floor((maxSegmentBytes - extensionBytes - fixedBytes) / columnCount));
  index = first;
  return fillTokens(segment, tokenValues, (header) => {
    const value = cellForName(labelValue(values.labels, header) ?? values.id);
    return truncateToBytes(value, room) + suffixFor(index++);
  });
}

/** The longest each token can be: job IDs have up to 20 digits. */
const longestTokenValues: Record<FileNameToken, string> = { id: '9'.repeat(20), n: '9999', count: '9999', date: '2026-11-24', time: '14-05-09', ext: 'webp' };

/** The path of one image inside the chosen folder, as segments. */
export function savePathSegments(layout: SaveLayout, template: string, values: FileNameValues): string[] {
  const tokenValues: Record<FileNameToken, string> = {
    id: values.id,
    n: String(values.n),
    count: String(values.count),
    date: formatDate(values.savedAt),
    time: formatTime(values.savedAt),
    ext: values.ext,
  };
  const { folders, baseName } = templateSegments(template);
  const layoutFolders = saveLayoutRules[layout].foldersFor({ id: values.id, date: tokenValues.date });
  const idSuffixAt = values.addIdToLabels ? templateColumns(template).length - 1 : -1;
  const columnIndex = { next: 0 };
  const extension = `.${values.ext}`;
  return [
    ...layoutFolders.map((folder) => safeNameSegment(folder)),
    ...folders.map((folder) => safeNameSegment(fillSegment(folder, tokenValues, values, 0, idSuffixAt, columnIndex))),
    safeNameSegment(fillSegment(baseName, tokenValues, values, utf8Length(extension), idSuffixAt, columnIndex), extension),
  ];
}

/** The example the settings show under the template: of a real job from the list when there is one. */
export function exampleSavePath(layout: SaveLayout, template: string, savedAt = new Date(), job?: { id: string; labels?: JobLabels }): string {
  return savePathSegments(layout, template, { id: job?.id ?? '12202888', n: 1, count: 4, savedAt, ext: 'png', labels: job?.labels }).join('/');
}
