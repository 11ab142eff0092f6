// Takes job IDs out of whatever a person drops or pastes: plain text, .txt, .csv/.tsv with or
// without a header (read by csv-parse: quotes, line breaks in quotes, a BOM, ";" as Excel writes it
// in many locales), .xlsx workbooks and UTF-16 text (decoded in table-reading.ts), .json/.jsonl
// (generation or fetch responses, arrays of them, exports), fetch URLs, and mixtures of these. What
// counts as an ID is decided in preload/shared/job-ids.ts alone. A table row's other cells travel
// with its ID as labels (header → value).
import { parse as parseCsv } from 'csv-parse/sync';
import type { IntakeSource, RejectedToken } from '../../preload/api-contract';
import { idFromToken, isNearMiss, isValidJobId, reasonForRejecting, shortenToken } from '../../preload/shared/job-ids';
import { maxLabelColumns, maxLabelValueLength, type JobLabels } from '../../preload/shared/job-labels';
import { decodeFileBytes, type DecodedSource, type SheetRows } from './table-reading';

export interface IntakeResult {
  /** Valid IDs in the order they appeared, each once. */
  ids: string[];
  /** Valid IDs that repeated one seen earlier in the same drop. */
  repeated: number;
  /** The first rejected tokens, with reasons; `rejectedCount` counts them all. */
  rejected: RejectedToken[];
  rejectedCount: number;
  /** Per ID read from a table row, the row's other cells (header → value); IDs from plain text have none. */
  labels: Map<string, JobLabels>;
  /** What the person should know about how a file was read: which sheets of a workbook. */
  notes: string[];
  /** Files that could not be read at all, each with the reason. */
  problems: string[];
}

/** More rejected tokens than this are counted, not listed: nobody reads 100,000 reasons. */
export const maxRejectedListed = 200;

const separators = /[\s,;]+/;
// Quotes and brackets come with IDs copied out of spreadsheets and JSON.
// `="12202888"` is how a CSV keeps Excel from rounding a long number.
const leadingPunctuation = new Set(['"', "'", '[', '(', '{', '<', '=']);
const trailingPunctuation = new Set(['"', "'", ']', ')', '}', '>', ':']);
/** No ID or fetch link is this long: longer tokens are refused before any pattern looks at them. */
const maxTokenLength = 2_048;
// Fields whose values are lists of job IDs, rather than objects that may carry an `id`.
const idListFields = /^(ids|job_?ids|request_?ids)$/i;

/** The token without the quotes and brackets around it, by index, so a long run of them costs no more than its length. */
function stripEnclosingPunctuation(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && leadingPunctuation.has(token[start]!)) start += 1;
  while (end > start && trailingPunctuation.has(token[end - 1]!)) end -= 1;
  return token.slice(start, end);
}

class Collector {
  ids: string[] = [];
  rejected: RejectedToken[] = [];
  rejectedCount = 0;
  repeated = 0;
  labels = new Map<string, JobLabels>();
  private seen = new Set<string>();

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** An ID, with its row's other cells when it came from a table; a repeat keeps the first row's. */
  accept(id: string, labels?: JobLabels) {
    if (this.seen.has(id)) {
      this.repeated += 1;
      return;
    }
    this.seen.add(id);
    this.ids.push(id);
    if (labels !== undefined && labels.length > 0) this.labels.set(id, labels);
  }

  /** Takes over what another collector found, as if it had been read here. */
  merge(other: Collector) {
    if (this.ids.length === 0 && this.rejectedCount === 0 && this.repeated === 0) {
      // Nothing here yet: take the other's findings whole instead of adding them one by one.
      Object.assign(this, { ids: other.ids, seen: other.seen, rejected: other.rejected, rejectedCount: other.rejectedCount, repeated: other.repeated, labels: other.labels });
      return;
    }
    for (const id of other.ids) this.accept(id, other.labels.get(id));
    this.repeated += other.repeated;
    for (const item of other.rejected) if (this.rejected.length < maxRejectedListed) this.rejected.push(item);
    this.rejectedCount += other.rejectedCount;
  }

  reject(token: string, reason: string) {
    this.rejectedCount += 1;
    const item = { token: shortenToken(token), reason };
    if (this.rejected.length < maxRejectedListed) return void this.rejected.push(item);
    // A full list still takes a near-miss, in place of the last thing that was nothing like an ID.
    if (!isNearMiss(item)) return;
    const plain = this.rejected.findLastIndex((listed) => !isNearMiss(listed));
    if (plain < 0) return;
    this.rejected.splice(plain, 1);
    this.rejected.push(item);
  }

  /** A free-standing token: an ID, a fetch URL, or something to report. */
  token(raw: string, labels?: JobLabels) {
    if (isValidJobId(raw)) return this.accept(raw, labels); // the common case, without the work below
    if (raw.length > maxTokenLength) return this.reject(raw, 'not a job ID: far too long');
    const token = stripEnclosingPunctuation(raw);
    if (token === '') return;
    const id = idFromToken(token);
    if (id !== null) this.accept(id, labels);
    else this.reject(token, reasonForRejecting(token));
  }

  /** A single ID written as a JSON number or string. */
  private jsonId(value: unknown) {
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) this.token(String(value));
      else this.reject(String(value), 'too large to read exactly from JSON: write it as a string');
    } else if (typeof value === 'string' && value.startsWith(unsafeNumberMark)) {
      this.reject(value.slice(unsafeNumberMark.length), 'too large to read exactly from JSON: write it as a string');
    } else if (typeof value === 'string') {
      for (const part of value.split(separators)) this.token(part);
    }
  }

  /**
   * A JSON value. Loose numbers and strings count as IDs only at the top (a list of IDs) or under
   * an `id`/`ids` field; anywhere else they are prompts, sizes and messages, never job IDs.
   */
  json(value: unknown, looseValuesAreIds = true, depth = 0) {
    if (depth > 64) return;
    if (Array.isArray(value)) {
      for (const item of value) this.json(item, looseValuesAreIds, depth + 1);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      // A failed answer carries "id": "", which is nobody's ID and not worth a complaint.
      if (record.id !== '' && record.id !== null) this.jsonId(record.id);
      for (const [field, child] of Object.entries(record)) {
        if (field === 'id') continue;
        if (idListFields.test(field) && Array.isArray(child)) this.json(child, true, depth + 1);
        else if (typeof child === 'object' && child !== null) this.json(child, false, depth + 1);
      }
    } else if (looseValuesAreIds) {
      this.jsonId(value);
    }
  }
}

/** Marks a JSON number too large to read exactly, kept as the text it was written as. */
const unsafeNumberMark = '\u0000number:';

/**
 * JSON.parse, except that a whole number too large to read exactly (more than 15 digits, unquoted)
 * comes back as its text with a mark: it is then refused as written, never as 1.2345678901234568e+24.
 */
function parseJson(text: string): unknown {
  let quoted = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char >= '0' && char <= '9') {
      let end = index;
      while (end < text.length && /[0-9.eE+-]/.test(text[end]!)) end += 1;
      const literal = text.slice(index, end);
      if (/^[0-9]{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        // The mark written as JSON escapes it: a raw control character is not allowed in a JSON string.
        quoted += `${text.slice(copiedUpTo, index)}"\\u0000number:${literal}"`;
        copiedUpTo = end;
      }
      index = end - 1;
    }
  }
  return JSON.parse(copiedUpTo === 0 ? text : quoted + text.slice(copiedUpTo));
}

// Pasted API answers are small; these bounds keep text full of stray brackets from taking long.
const maxJsonBlockLength = 64 * 1024;
const maxJsonBlockAttempts = 1_000;

/** Finds the end of the JSON object or array that starts at `start`, honouring strings; -1 if none. */
function endOfJsonBlock(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  const stop = Math.min(text.length, start + maxJsonBlockLength);
  for (let index = start; index < stop; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return index;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/** Text that may mix plain IDs, URLs and pasted JSON answers. */
function readMixedText(text: string, collector: Collector) {
  let plainFrom = 0;
  let failedAttempts = 0;
  const opening = /[{[]/g;
  for (let match = opening.exec(text); match && failedAttempts < maxJsonBlockAttempts; match = opening.exec(text)) {
    const end = endOfJsonBlock(text, match.index);
    let parsed: unknown = undefined;
    try {
      parsed = end === -1 ? undefined : parseJson(text.slice(match.index, end + 1));
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      failedAttempts += 1;
      continue;
    }
    readPlainText(text.slice(plainFrom, match.index), collector);
    collector.json(parsed);
    plainFrom = end + 1;
    opening.lastIndex = end + 1;
  }
  readPlainText(text.slice(plainFrom), collector);
}

function readPlainText(text: string, collector: Collector) {
  for (const part of text.split(separators)) collector.token(part);
}

const csvOptions = { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true, bom: true } as const;

/** The text's records, split by csv-parse (RFC 4180: quoted delimiters, quotes and line breaks); null when it is not that. */
function parseDelimited(text: string, delimiter: string, limit?: number): string[][] | null {
  try {
    return parseCsv(text, { ...csvOptions, delimiter, ...(limit === undefined ? {} : { to: limit }) }) as string[][];
  } catch {
    return null;
  }
}

const idColumnHeader = /(^|[^a-z])(id|ids|job|jobs|request|fetch|track)([^a-z]|$)/i;

/** The names the labels go by: the header's cells, "Column 3" where there is none, "Name (2)" for a repeat. */
function labelHeaders(header: readonly string[] | null, width: number): string[] {
  const used = new Set<string>();
  return Array.from({ length: width }, (_, column) => {
    const base = header?.[column]?.trim() || `Column ${column + 1}`;
    let name = base;
    for (let copy = 2; used.has(name.toLowerCase()); copy += 1) name = `${base} (${copy})`;
    used.add(name.toLowerCase());
    return name;
  });
}

/**
 * A table: the columns that hold IDs are found by their header (id, job_id, request id, …) or, with
 * no such header, as the columns whose cells are nearly all IDs; the other cells of each row become
 * the labels of its IDs. Returns null when the rows do not read as a table with an ID column.
 */
function readTable(rows: readonly string[][]): { collector: Collector; byHeader: boolean } | null {
  if (rows.length === 0) return null;
  const header = rows[0]!;
  const headerIsNames = header.every((cell) => cell === '' || idFromToken(cell) === null);
  const body = headerIsNames ? rows.slice(1) : rows;

  let columns = headerIsNames ? header.flatMap((cell, column) => (idColumnHeader.test(cell) ? [column] : [])) : [];
  const byHeader = columns.length > 0;
  if (!byHeader) {
    // One pass over the cells, counting per column how many are filled and how many are IDs.
    const filled: number[] = [];
    const valid: number[] = [];
    for (const row of body) {
      row.forEach((cell, column) => {
        if (cell === '') return;
        filled[column] = (filled[column] ?? 0) + 1;
        if (idFromToken(cell) !== null) valid[column] = (valid[column] ?? 0) + 1;
      });
    }
    columns = filled.flatMap((count, column) => ((valid[column] ?? 0) > 0 && (valid[column] ?? 0) >= count * 0.9 ? [column] : []));
  }
  if (columns.length === 0) return null;
  const width = Math.min(
    rows.reduce((widest, row) => Math.max(widest, row.length), 0),
    maxLabelColumns + columns.length,
  );
  const names = labelHeaders(headerIsNames ? header : null, width);
  const idColumns = new Set(columns);
  const labelColumns = names.flatMap((_, column) => (idColumns.has(column) ? [] : [column])).slice(0, maxLabelColumns);
  const collector = new Collector();
  for (const row of body) {
    let labels: JobLabels | undefined;
    for (const column of columns) {
      const cell = row[column] ?? '';
      if (cell === '') continue;
      labels ??= labelColumns.flatMap((labelColumn): JobLabels => {
        const value = row[labelColumn] ?? '';
        return value === '' ? [] : [[names[labelColumn]!, value.length > maxLabelValueLength ? value.slice(0, maxLabelValueLength) : value]];
      });
      collector.token(cell, labels);
    }
  }
  return { collector, byHeader };
}

/** The first records are read from this much of the text: csv-parse reads all it is given, even past `to`. */
const delimiterSampleLength = 64 * 1024;

/** The first records of the text split by this delimiter, read from its start; null when they do not parse. */
function firstRecords(text: string, delimiter: string): string[][] | null {
  if (text.length <= delimiterSampleLength) return parseDelimited(text, delimiter, 50);
  const sample = parseDelimited(text.slice(0, delimiterSampleLength), delimiter, 50);
  // The sample may end inside a record (or inside quotes): that record is left out, or the whole text read.
  if (sample === null) return parseDelimited(text, delimiter, 50);
  return sample.length < 50 && sample.length > 1 ? sample.slice(0, -1) : sample;
}

/** Picks the delimiter of a table: the one that splits each of its first records into the same number of cells; with its header. */
function tableDelimiter(text: string, extension: string | null, hinted?: string): { delimiter: string; header: string[] } | null {
  const known = hinted ?? (extension === 'tsv' ? '\t' : undefined);
  for (const delimiter of known !== undefined ? [known] : [',', '\t', ';']) {
    const first = firstRecords(text, delimiter);
    if (first === null || first.length === 0) continue;
    if (known !== undefined) return { delimiter, header: first[0]! };
    if (first.length < 2 && extension !== 'csv') return null;
    const counts = first.map((record) => record.length);
    if (counts[0]! > 1 && counts.every((count) => count === counts[0])) return { delimiter, header: first[0]! };
  }
  return null;
}

/** A workbook: every sheet with a column of job IDs is read; the note says which. */
function readWorkbookSheets(name: string, sheets: readonly SheetRows[], collector: Collector, notes: string[]) {
  const read: string[] = [];
  for (const sheet of sheets) {
    const table = readTable(sheet.rows.filter((row) => row.some((cell) => cell !== '')));
    if (table === null) continue;
    collector.merge(table.collector);
    read.push(sheet.name);
  }
  const quoted = (names: readonly string[]) => names.map((sheet) => `"${sheet}"`).join(', ');
  const skipped = sheets.map((sheet) => sheet.name).filter((sheet) => !read.includes(sheet));
  if (read.length === 0) notes.push(`${name}: no sheet has a column of job IDs.`);
  else if (sheets.length > 1) notes.push(`${name}: job IDs read from ${read.length === 1 ? 'sheet' : 'sheets'} ${quoted(read)}${skipped.length > 0 ? `; ${quoted(skipped)} held none` : ''}.`);
}

function readSource(source: DecodedSource, collector: Collector, notes: string[]) {
  if ('sheets' in source) return readWorkbookSheets(source.name ?? 'The workbook', source.sheets, collector, notes);
  let text = source.text.replace(/^\uFEFF/, '');
  const extension = source.name?.toLowerCase().split('.').pop() ?? null;
  // "sep=;" on the first line tells Excel the delimiter; the table starts below it.
  const separatorHint = /^sep=([,;\t|])\r?\n/i.exec(text);
  if (separatorHint) text = text.slice(separatorHint[0].length);
  const trimmed = text.trim();
  if (trimmed === '') return;

  if (extension === 'json' || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      collector.json(parseJson(trimmed));
      return;
    } catch {
      // Not one JSON document: JSON Lines or a mixture, read below.
    }
  }
  // A table whose header names its ID column (job_id, Request ID …) is read as a table at once:
  // reading it as text would only complain about that header and the other cells.
  const found = tableDelimiter(text, extension, separatorHint?.[1]);
  const delimiter = found?.delimiter ?? null;
  const header = found?.header;
  if (delimiter !== null && header?.some((cell) => idColumnHeader.test(cell)) && header.every((cell) => cell === '' || idFromToken(cell) === null)) {
    const table = readTable(parseDelimited(text, delimiter) ?? []);
    if (table?.byHeader) return collector.merge(table.collector);
  }
  // A one-column list under its heading (job_id, Request ID): the heading is not a piece to complain about.
  if (delimiter === null) {
    const firstLine = /^[ \t]*([^\r\n]{1,40})\r?\n/.exec(text);
    const heading = firstLine?.[1]?.trim() ?? '';
    if (firstLine && idColumnHeader.test(heading) && heading.split(separators).every((piece) => idFromToken(piece) === null)) text = text.slice(firstLine[0].length);
  }
  // Otherwise read as text first; a table reading is used only where that would complain about
  // cells (prompts, dates), so no ID in a plain list is ever dropped for looking tabular.
  const asText = new Collector();
  readMixedText(text, asText);
  if (asText.rejectedCount > 0) {
    const rows = delimiter === null ? null : parseDelimited(text, delimiter);
    const table = rows === null ? null : readTable(rows);
    // A header that names the ID column is trusted; a column found by its contents must not
    // lose an ID that reading the text would have found.
    if (table && (table.byHeader || asText.ids.every((id) => table.collector.has(id)))) return collector.merge(table.collector);
  }
  collector.merge(asText);
}

/** IDs (with their labels) out of sources already decoded: text, or a workbook's sheets. */
export function extractJobIds(sources: readonly DecodedSource[]): IntakeResult {
  const collector = new Collector();
  const notes: string[] = [];
  for (const source of sources) readSource(source, collector, notes);
  // Near-misses first; each group in the order it came (the sort is stable).
  const rejected = [...collector.rejected].sort((a, b) => Number(isNearMiss(b)) - Number(isNearMiss(a)));
  return {
    ids: collector.ids,
    repeated: collector.repeated,
    rejected,
    rejectedCount: collector.rejectedCount,
    labels: collector.labels,
    notes,
    problems: [],
  };
}

/**
 * What a drop, a paste or a file holds: sources that came as bytes (workbooks, UTF-16 text) are
 * decoded first; one that cannot be read is a problem, and the others are still read.
 */
export async function readIntake(sources: readonly IntakeSource[]): Promise<IntakeResult> {
  const decoded: DecodedSource[] = [];
  const problems: string[] = [];
  for (const source of sources) {
    if (source.bytes === undefined) {
      decoded.push({ name: source.name, text: source.text });
      continue;
    }
    try {
      decoded.push(await decodeFileBytes(source.name, Buffer.from(source.bytes, 'base64')));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { ...extractJobIds(decoded), problems };
}

/** A file's bytes, read main side (the file dialog, a second launch, --ids-file), as a source to read. */
export const decodeFile = decodeFileBytes;
