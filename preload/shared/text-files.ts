// The limits a file of job IDs is read under, the same whether the window reads a drop or main
// reads a file it was handed (the file dialog, a second launch, a file opened with the app).
import { formatBytes } from './bytes';

/** Larger files are refused before they are read. */
export const maxDropFileBytes = 20 * 1024 * 1024;

/** Text files have no NUL bytes and decode without many replacement characters. */
export function looksLikeText(text: string): boolean {
  if (text.includes('\u0000')) return false;
  const sample = text.slice(0, 64 * 1024);
  const replacements = sample.match(/\uFFFD/g)?.length ?? 0;
  return replacements <= Math.max(2, sample.length / 100);
}

/** Why a file of this name and size is not read, or null when it may be. */
export function idsFileSizeProblem(name: string, size: number): string | null {
  if (size === 0) return `${name} is empty.`;
  if (size > maxDropFileBytes) return `${name} is ${formatBytes(size)}; files up to ${formatBytes(maxDropFileBytes)} can be dropped.`;
  return null;
}

export const notTextProblem = (name: string): string => `${name} is not a text file or an Excel workbook; drop a .txt, .csv or .xlsx with job IDs.`;

/** How a file's bytes start when they are not UTF-8 text that the window can read itself. */
export function needsDecodingInMain(name: string, bytes: Uint8Array): boolean {
  const extension = name.toLowerCase().split('.').pop() ?? '';
  if (extension === 'xlsx' || extension === 'xlsm' || extension === 'xls') return true;
  // A zip (an .xlsx under another name), or a UTF-16 byte-order mark.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return true;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  return guessUtf16(bytes) !== null;
}

/**
 * UTF-16 without a BOM: in text of Latin letters and digits one byte of each pair is 0 and the
 * other a printable character (binary data with zeros in it is not taken for text).
 */
export function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (sample < 4) return null;
  const printable = (byte: number) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte !== 0x7f);
  let little = 0;
  let big = 0;
  for (let index = 0; index < sample; index += 2) {
    const [first, second] = [bytes[index]!, bytes[index + 1]!];
    if (second === 0 && printable(first)) little += 1;
    if (first === 0 && printable(second)) big += 1;
  }
  const pairs = sample / 2;
  if (little > pairs * 0.6 && big < pairs * 0.1) return 'utf-16le';
  if (big > pairs * 0.6 && little < pairs * 0.1) return 'utf-16be';
  return null;
}

/** Bytes as base64, without Node or a 20 MB string of char codes at once: how a drop carries a file main decodes. */
export function bytesToBase64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const parts: string[] = [];
  const step = 3 * 8192;
  for (let start = 0; start < bytes.length; start += step) {
    let part = '';
    const end = Math.min(bytes.length, start + step);
    for (let index = start; index < end; index += 3) {
      const a = bytes[index]!;
      const b = index + 1 < end ? bytes[index + 1]! : 0;
      const c = index + 2 < end ? bytes[index + 2]! : 0;
      part += alphabet[a >> 2]! + alphabet[((a & 3) << 4) | (b >> 4)]! + (index + 1 < end ? alphabet[((b & 15) << 2) | (c >> 6)]! : '=') + (index + 2 < end ? alphabet[c & 63]! : '=');
    }
    parts.push(part);
  }
  return parts.join('');
}
