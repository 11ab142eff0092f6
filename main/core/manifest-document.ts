import { open } from 'node:fs/promises';
import { errorCode } from './error-cause';

/** The save record on disk cannot be used: not JSON, or not a manifest this version reads. */
export class UnreadableDocumentError extends Error {}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Reads a JSON document shaped {"format": …, "version": …, "files": [item, item, …]} piece by
 * piece, handing each item of `files` over as it is met, parsed and as written: a document of any size is read in
 * little memory. `acceptHead` sees the fields before `files` (format and version) when `files`
 * starts, and the whole document's fields other than `files` at the end; it throws to refuse them.
 * Yields nothing when there is no document. Throws UnreadableDocumentError where JSON.parse of the
 * whole document would throw, or a field is refused.
 */
export async function* itemsOfDocument(path: string, acceptHead: (fields: Record<string, unknown>) => void): AsyncGenerator<{ text: string; value: unknown }> {
  const file = await open(path, 'r').catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  });
  if (file === null) return;
  const unreadable = (why: string) => new UnreadableDocumentError(why);
  const parse = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw unreadable(error instanceof Error ? error.message : String(error));
    }
  };
  const fieldsOf = (text: string) => {
    const value = parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unreadable('it is not a manifest this version can read');
    return value as Record<string, unknown>;
  };
  /** The document without the items of `files` (an empty list in their place): small. */
  const head: Buffer[] = [];
  let item: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inFiles = false;
  let inItem = false;
  /** In `files`, between items: whether an item may come now (after "[" or ","). */
  let itemMayCome = false;
  let afterComma = false;
  let ended = false;
  try {
    for await (const chunk of file.createReadStream({ highWaterMark: 256 * 1024, autoClose: false }) as AsyncIterable<Buffer>) {
      let headFrom = inFiles ? -1 : 0;
      let itemFrom = inItem ? 0 : -1;
      let nextBackslash = -1;
      for (let index = 0; index < chunk.length; index += 1) {
        const byte = chunk[index]!;
        if (inString) {
          // To the string's end in one search, unless a backslash comes first.
          if (escaped) {
            escaped = false;
            continue;
          }
          if (nextBackslash < index) {
            nextBackslash = chunk.indexOf(0x5c, index);
            if (nextBackslash === -1) nextBackslash = chunk.length;
          }
          const quote = chunk.indexOf(0x22, index);
          const end = quote === -1 ? chunk.length : quote;
          if (nextBackslash < end) {
            index = nextBackslash;
            escaped = true;
          } else if (quote === -1) index = chunk.length;
          else {
            index = quote;
            inString = false;
          }
          continue;
        }
        if (ended) {
          if (!isSpace(byte)) throw unreadable('Unexpected non-whitespace character after JSON');
          continue;
        }
        if (inFiles && depth === 2) {
          if (isSpace(byte)) continue;
          if (byte === 0x2c || byte === 0x5d) {
            // "," or "]": the end of an item, or of the list.
            if (inItem) {
              item.push(chunk.subarray(itemFrom, index));
              const text = item.length === 1 ? item[0]!.toString('utf8') : Buffer.concat(item).toString('utf8');
              item = [];
              inItem = false;
              itemFrom = -1;
              yield { text, value: parse(text) };
            } else if (byte === 0x2c || afterComma) {
              throw unreadable(`Unexpected token '${String.fromCharCode(byte)}' in the list of files`);
            }
            if (byte === 0x2c) {
              itemMayCome = true;
              afterComma = true;
            } else {
              inFiles = false;
              depth = 1;
              headFrom = index;
            }
            continue;
          }
          if (!inItem) {
            if (!itemMayCome) throw unreadable('Expected "," or "]" after an item in the list of files');
            inItem = true;
            itemMayCome = false;
            afterComma = false;
            itemFrom = index;
          }
        }
        if (byte === 0x22) inString = true;
        else if (byte === 0x7b || byte === 0x5b) {
          if (depth === 1 && byte === 0x5b && !inFiles && headFrom >= 0) {
            const before = Buffer.concat([...head, chunk.subarray(headFrom, index)]).toString('utf8');
            if (/"files"\s*:\s*$/.test(before)) {
              acceptHead(fieldsOf(`${before}[]}`));
              head.push(chunk.subarray(headFrom, index + 1));
              headFrom = -1;
              inFiles = true;
              itemMayCome = true;
              afterComma = false;
              depth = 2;
              continue;
            }
          }
          depth += 1;
        } else if (byte === 0x7d || byte === 0x5d) {
          depth -= 1;
          if (depth === 0) ended = true;
        }
      }
      if (headFrom >= 0) head.push(chunk.subarray(headFrom));
      if (inItem) item.push(chunk.subarray(itemFrom));
    }
  } finally {
    await file.close();
  }
  if (inString || inFiles || depth !== 0) throw unreadable('Unexpected end of JSON input');
  acceptHead(fieldsOf(Buffer.concat(head).toString('utf8')));
}
