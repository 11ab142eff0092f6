// Turns a file's bytes into what id-intake reads: text (UTF-8, or UTF-16 as Excel's "Unicode text"
// writes it, with or without a BOM) or the sheets of an .xlsx workbook as rows of cells. The same
// decoding serves drops and pastes (bytes carried through the contract), "Open IDs file…", a file
// handed to the app, and the command line's --ids-file.
import { Unzip, UnzipInflate, zipSync } from 'fflate';
import readXlsxFile from 'read-excel-file/universal';
import { guessUtf16, looksLikeText, notTextProblem } from '../../preload/shared/text-files';

/** One sheet of a workbook: its name and its rows, every cell as text. */
export interface SheetRows {
  name: string;
  rows: string[][];
}

/** What a source holds once decoded: text to read, or a workbook's sheets. */
export type DecodedSource = { name: string | null; text: string } | { name: string | null; sheets: SheetRows[] };

/**
 * A workbook is a zip: its parts are unpacked under this cap, whatever their headers claim, so a
 * small file cannot unpack into gigabytes (a zip bomb). 20 MB of real spreadsheet unpacks to less.
 */
export const maxWorkbookUnpackedBytes = 256 * 1024 * 1024;

const zipSignature = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

function decodeText(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): string {
  // TextDecoder drops the BOM of the encoding it decodes.
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * The workbook's XML parts, unpacked in small steps so that no step can grow past the cap, then
 * packed again uncompressed: the reader gets an archive whose sizes are true. Throws a message for
 * the person when the workbook is damaged or unpacks too large.
 */
function unpackWorkbook(name: string, bytes: Uint8Array): Uint8Array {
  const parts: Record<string, Uint8Array> = {};
  let total = 0;
  let problem: string | null = null;
  const unzip = new Unzip((file) => {
    // The reader needs only the XML parts; images and printer settings stay packed.
    if (!file.name.endsWith('.xml') && !file.name.endsWith('.xml.rels')) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (error, chunk, final) => {
      if (problem !== null) return;
      if (error) {
        problem = `${name} could not be read: it is not a complete Excel workbook (${error.message}).`;
        return;
      }
      total += chunk.length;
      if (total > maxWorkbookUnpackedBytes) {
        problem = `${name} unpacks to more than ${maxWorkbookUnpackedBytes / 1024 / 1024} MB, more than a spreadsheet of job IDs holds; save its sheet as CSV and drop that.`;
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) parts[file.name] = concatenate(chunks);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  // Small steps: one step of compressed data can inflate at most about a thousandfold.
  const step = 16 * 1024;
  try {
    for (let offset = 0; offset < bytes.length && problem === null; offset += step) {
      unzip.push(bytes.subarray(offset, offset + step), offset + step >= bytes.length);
    }
  } catch (error) {
    problem ??= `${name} could not be read: it is not a complete Excel workbook (${error instanceof Error ? error.message : String(error)}).`;
  }
  if (problem !== null) throw new Error(problem);
  return zipSync(parts, { level: 0 });
}

function concatenate(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.length;
  }
  return whole;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A cell as text: numbers exactly as the workbook stores them (no 15-digit rounding), dates as 2026-11-24. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const time = value.getUTCHours() + value.getUTCMinutes() + value.getUTCSeconds() === 0 ? '' : ` ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}`;
    return date + time;
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value).trim();
}

async function readWorkbook(name: string, bytes: Uint8Array): Promise<SheetRows[]> {
  const honest = unpackWorkbook(name, bytes);
  try {
    const sheets = await readXlsxFile(honest.buffer.slice(honest.byteOffset, honest.byteOffset + honest.byteLength) as ArrayBuffer, {
      // The number as written in the file: a job ID keeps every digit.
      parseNumber: (text: string) => text,
    });
    return sheets.map((sheet) => ({ name: sheet.sheet, rows: sheet.data.map((row) => row.map(cellText)) }));
  } catch (error) {
    throw new Error(`${name} could not be read as an Excel workbook (${error instanceof Error ? error.message : String(error)}). Save it again from Excel, or as CSV.`);
  }
}

const legacyExcel = [0xd0, 0xcf, 0x11, 0xe0];

/**
 * A file's bytes as text or sheets. Throws an Error whose message says, for the person, why the
 * file cannot be read (not text, an old .xls, a damaged or oversized workbook).
 */
export async function decodeFileBytes(name: string | null, bytes: Uint8Array): Promise<DecodedSource> {
  const label = name ?? 'The dropped item';
  const extension = name?.toLowerCase().split('.').pop() ?? '';
  if (startsWith(bytes, zipSignature) || extension === 'xlsx' || extension === 'xlsm') {
    return { name, sheets: await readWorkbook(label, bytes) };
  }
  if (startsWith(bytes, legacyExcel) || extension === 'xls') {
    throw new Error(`${label} is an Excel 97–2003 workbook (.xls), which is not read: open it in Excel and save it as .xlsx or CSV.`);
  }
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = decodeText(bytes, 'utf-16le');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = decodeText(bytes, 'utf-16be');
  else {
    const utf16 = guessUtf16(bytes);
    text = decodeText(bytes, utf16 ?? 'utf-8');
  }
  if (!looksLikeText(text)) throw new Error(notTextProblem(label));
  return { name, text };
}
