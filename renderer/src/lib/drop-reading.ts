// Turns what lands on the window (text, one or several files) into texts for main's ID intake,
// refusing what would freeze the window or is not text, with a reason a person can act on.
// Workbooks and UTF-16 text go as bytes, for main to read.
import type { IntakeSource } from '../../../preload/api-contract';
import { bytesToBase64, idsFileSizeProblem, looksLikeText, maxDropFileBytes, needsDecodingInMain, notTextProblem } from '../../../preload/shared/text-files';

export { looksLikeText, maxDropFileBytes };

export interface DroppedText {
  sources: IntakeSource[];
  problems: string[];
}

/** The parts of a DataTransfer (or ClipboardData) this reads, so tests can hand in plain objects. */
export interface DropSource {
  files: ArrayLike<Blob & { name: string }>;
  getData(format: string): string;
}

export async function readDroppedText(source: DropSource): Promise<DroppedText> {
  const files = Array.from(source.files);
  if (files.length === 0) return { sources: [{ name: null, text: source.getData('text/plain') }], problems: [] };

  const sources: IntakeSource[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const sizeProblem = idsFileSizeProblem(file.name, file.size);
    if (sizeProblem !== null) {
      problems.push(sizeProblem);
    } else {
      const bytes = new Uint8Array(await file.arrayBuffer());
      // Workbooks and UTF-16 text travel as bytes (capped by the size check above); main decides their format.
      if (needsDecodingInMain(file.name, bytes)) {
        sources.push({ name: file.name, text: '', bytes: bytesToBase64(bytes) });
        continue;
      }
      const text = new TextDecoder().decode(bytes);
      if (looksLikeText(text)) sources.push({ name: file.name, text });
      else problems.push(notTextProblem(file.name));
    }
  }
  return { sources, problems };
}
