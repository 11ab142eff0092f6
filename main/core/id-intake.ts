// Takes job IDs out of whatever a person drops or pastes: plain text, .txt, .csv/.tsv with or
// without a header, .json/.jsonl (generation or fetch responses, arrays of them, exports), fetch
// URLs, and mixtures of these. What counts as an ID is decided in preload/shared/job-ids.ts alone.
import type { IntakeSource, RejectedToken } from '../../preload/api-contract';
import { idFromToken, isNearMiss, isValidJobId, reasonForRejecting, shortenToken } from '../../preload/shared/job-ids';

export interface IntakeResult {
  /** Valid IDs in the order they appeared, each once. */
  ids: string[];
  /** Valid IDs that repeated one seen earlier in the same drop. */
  repeated: number;
  /** The first rejected tokens, with reasons; `rejectedCount` counts them all. */
  rejected: RejectedToken[];
  rejectedCount: number;
}

/** More rejected tokens than this are counted, not listed: nobody reads 100,000 reasons. */
export const maxRejectedListed = 200;

const separators = /[\s,;]+/;
// Quotes and brackets come with IDs copied out of spreadsheets and JSON.
const leadingPunctuation = new Set(['"', "'", '[', '(', '{', '<']);
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
  private seen = new Set<string>();

  has(id: string): boolean {
    return this.seen.has(id);
  }

  accept(id: string) {
    if (this.seen.has(id)) {
      this.repeated += 1;
      return;
    }
    this.seen.add(id);
    this.ids.push(id);
  }

  /** Takes over what another collector found, as if it had been read here. */
  merge(other: Collector) {
    if (this.ids.length === 0 && this.rejectedCount === 0 && this.repeated === 0) {
      // Nothing here yet: take the other's findings whole instead of adding them one by one.
      Object.assign(this, { ids: other.ids, seen: other.seen, rejected: other.rejected, rejectedCount: other.rejectedCount, repeated: other.repeated });
      return;
    }
    for (const id of other.ids) this.accept(id);
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
  token(raw: string) {
    if (isValidJobId(raw)) return this.accept(raw); // the common case, without the work below
    if (raw.length > maxTokenLength) return this.reject(raw, 'not a job ID: far too long');
    const token = stripEnclosingPunctuation(raw);
    if (token === '') return;
    const id = idFromToken(token);
    if (id !== null) this.accept(id);
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

/** Splits a delimited line, honouring double quotes ("a,b" is one cell; "" is a quote). */
function splitRow(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let cellHasContent = false; // a quote opens a quoted cell only before anything but spaces
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && !cellHasContent) {
      quoted = true;
      cellHasContent = true;
    } else if (char === delimiter) {
      cells.push(cell.trim());
      cell = '';
      cellHasContent = false;
    } else {
      cell += char;
      if (char !== ' ' && char !== '\t') cellHasContent = true;
    }
  }
  cells.push(cell.trim());
  return cells;
}

const idColumnHeader = /(^|[^a-z])(id|ids|job|jobs|request|fetch|track)([^a-z]|$)/i;

/**
 * A table: the columns that hold IDs are found by their header (id, job_id, request id, …) or, with
 * no such header, as the columns whose cells are nearly all IDs; other columns are ignored.
 * Returns null when the text does not read as a table with an ID column.
 */
function readTable(lines: readonly string[], delimiter: string): { collector: Collector; byHeader: boolean } | null {
  const rows = lines.map((line) => splitRow(line, delimiter));
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
  const collector = new Collector();
  for (const row of body) {
    for (const column of columns) {
      const cell = row[column] ?? '';
      if (cell !== '') collector.token(cell);
    }
  }
  return { collector, byHeader };
}

/** Picks the delimiter of a table: the one that splits every line into the same number of cells. */
function tableDelimiter(lines: readonly string[], extension: string | null): string | null {
  if (extension === 'tsv') return '\t';
  if (lines.length < 2 && extension !== 'csv') return null;
  const firstLines = lines.slice(0, 50);
  for (const delimiter of [',', '\t', ';']) {
    const counts = firstLines.map((line) => splitRow(line, delimiter).length);
    if (counts[0]! > 1 && counts.every((count) => count === counts[0])) return delimiter;
  }
  return null;
}

function readSource(source: IntakeSource, collector: Collector) {
  const text = source.text.replace(/^\uFEFF/, '');
  const extension = source.name?.toLowerCase().split('.').pop() ?? null;
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
  // Read as text first; a table reading is used only where that would complain about cells
  // (a header, prompts, dates), so no ID in a plain list is ever dropped for looking tabular.
  const asText = new Collector();
  readMixedText(text, asText);
  if (asText.rejectedCount > 0) {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    const delimiter = tableDelimiter(lines, extension);
    const table = delimiter === null ? null : readTable(lines, delimiter);
    // A header that names the ID column is trusted; a column found by its contents must not
    // lose an ID that reading the text would have found.
    if (table && (table.byHeader || asText.ids.every((id) => table.collector.has(id)))) return collector.merge(table.collector);
  }
  collector.merge(asText);
}

export function extractJobIds(sources: readonly IntakeSource[]): IntakeResult {
  const collector = new Collector();
  for (const source of sources) readSource(source, collector);
  // Near-misses first; each group in the order it came (the sort is stable).
  const rejected = [...collector.rejected].sort((a, b) => Number(isNearMiss(b)) - Number(isNearMiss(a)));
  return { ids: collector.ids, repeated: collector.repeated, rejected, rejectedCount: collector.rejectedCount };
}
