// Saves one job's images in a process of its own, so a test can kill it mid-download.
//   node --import tsx test/support/save-in-child.ts <job id> <folder> <image url>...
import { createImageSaver } from '../../main/core/image-saver';

const [jobId, folder, ...urls] = process.argv.slice(2);
const saver = createImageSaver({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: 60_000 });
await saver.saveJobImages(jobId!, urls, folder!);
console.log('saved');
