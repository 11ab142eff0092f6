// Runs the core in a process of its own and saves every job into a folder, so a test can kill it
// mid-batch like a crash or a power cut would.
//   node --import tsx test/support/save-in-child.ts <user-data dir> <endpoint template> <keychain service> <folder> <IDs…>
import { startChildCore } from './child-core';
import { waitUntil } from './core-harness';

const [userDataDir, endpointTemplate, keychainService, folder, ...ids] = process.argv.slice(2);
const core = await startChildCore(userDataDir!, endpointTemplate!, keychainService!, folder!);
await core.handlers.addJobs({ sources: [{ name: null, text: ids.join('\n') }] });
await waitUntil(() => core.handlers.listJobs(undefined), (jobs) => jobs.every((job) => job.state === 'ready'), 20_000, 'every job to be ready');
await core.handlers.chooseSaveFolder(undefined);
console.log('saving');
console.log(JSON.stringify(await core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' })));
await core.dispose();
