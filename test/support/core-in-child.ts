// Runs the core in a process of its own, so a test can kill it mid-batch like a crash would.
//   node --import tsx test/support/core-in-child.ts <user-data dir> <endpoint template> <keychain service> <IDs…>
import { startChildCore } from './child-core';

const [userDataDir, endpointTemplate, keychainService, ...ids] = process.argv.slice(2);
const core = await startChildCore(userDataDir!, endpointTemplate!, keychainService!);
await core.handlers.addJobs({ sources: [{ name: null, text: ids.join('\n') }] });
console.log('started');
