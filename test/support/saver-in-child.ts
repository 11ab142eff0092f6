// Another saver in a folder, in a process of its own, so a test can keep it alive beside a command
// line, make it hold the folder's lock, or kill it between its journal and the documents.
//   node --import tsx test/support/saver-in-child.ts <folder> <image file> <job IDs…>
// Saves each job's one image as <id>-1.<ext> and records it (a journal line, never folded: the
// documents are left to whoever comes next), leaves a temporary file of its own, then prints
// "ready". A line "lock" on standard input makes it take the folder's lock and print "locked".
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { openFolderPresence } from '../../main/core/folder-presence';
import { temporaryPathIn } from '../../main/core/image-download';
import { openSaveManifest } from '../../main/core/save-manifest';

const [folder, imageFile, ...ids] = process.argv.slice(2);
const bytes = await readFile(imageFile!);
const presence = await openFolderPresence({ folder: folder! });
// Never folded on a timer: a kill finds every record in the journal and none in the documents.
const manifest = await openSaveManifest(folder!, (message) => console.error(message), { presence, foldIntervalMs: 3_600_000 });
for (const id of ids) {
  const name = `${id}-1${extname(imageFile!)}`;
  await writeFile(join(folder!, name), bytes);
  await manifest.record({
    jobId: id,
    image: 1,
    sourceUrl: `https://example.com/${id}/${basename(imageFile!)}`,
    path: name,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    savedAt: new Date().toISOString(),
  });
}
// A download under way, as far as anyone looking at the folder can tell.
const temporary = temporaryPathIn(folder!);
await writeFile(temporary, bytes.subarray(0, 100));
console.log(`ready ${basename(temporary)}`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'lock') {
    void presence.withLock(() => {
      console.log('locked');
      return new Promise<void>(() => undefined);
    });
  }
}
