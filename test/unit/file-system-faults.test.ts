// The root-only save tests skip with a reason when the rights are missing: checked here by
// refusing the probes' commands, as a container without mount rights does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { probeFaultSupport, refusingRun, type RunCommand } from '../support/file-system-faults';

const deniedLikeAContainer: RunCommand = (command, args) => {
  if (command === 'mount') throw Object.assign(new Error('Command failed'), { stderr: Buffer.from(`mount: ${args.at(-1)}: permission denied.\n`) });
  if (command === 'chattr') throw Object.assign(new Error('Command failed'), { stderr: Buffer.from(`chattr: Operation not permitted while setting flags on ${args.at(-1)}\n`) });
};

test('root without mount rights: every mount- or chattr-based fault is unavailable, with the reason the system gave', () => {
  const support = probeFaultSupport({ platform: 'linux', isRoot: true, run: deniedLikeAContainer });
  assert.match(support.smallDiskUnavailable ?? '', /^a small disk needs a tmpfs mount, and mounting is not allowed here \(mount: .*permission denied\.\)$/);
  assert.match(support.readOnlyUnavailable ?? '', /^root ignores permission bits, and no tmpfs can be mounted here .*permission denied/);
  assert.equal(support.readOnlyByMount, false);
  assert.match(support.lockedFileUnavailable ?? '', /^locking a file needs chattr \+i, which is not allowed here \(chattr: Operation not permitted/);
});

test('a mount that works but cannot be remounted read-only counts as no mount rights, and a made mount is undone', () => {
  const calls: string[] = [];
  const support = probeFaultSupport({
    platform: 'linux',
    isRoot: true,
    run: (command, args) => {
      calls.push(`${command} ${args.slice(0, -1).join(' ')}`.trim());
      if (args.includes('remount,ro')) throw new Error('mount: cannot remount read-only');
    },
  });
  assert.match(support.smallDiskUnavailable ?? '', /cannot remount read-only/);
  assert.equal(support.readOnlyByMount, false);
  assert.ok(calls.includes('umount -l'), `the probe's mount was undone: ${calls.join('; ')}`);
  assert.equal(support.lockedFileUnavailable, null, 'chattr worked');
});

test('root with the rights: nothing is unavailable, and read-only folders come from a remount', () => {
  assert.deepEqual(probeFaultSupport({ platform: 'linux', isRoot: true, run: () => undefined }), {
    smallDiskUnavailable: null,
    readOnlyUnavailable: null,
    readOnlyByMount: true,
    lockedFileUnavailable: null,
  });
});

test('not root: the mount tests skip, and a read-only folder comes from permission bits', () => {
  const support = probeFaultSupport({ platform: 'linux', isRoot: false, run: () => assert.fail('nothing is tried without root') });
  assert.match(support.smallDiskUnavailable ?? '', /root on Linux/);
  assert.equal(support.readOnlyUnavailable, null);
  assert.equal(support.readOnlyByMount, false);
});

test('HEADSHOT_FETCHER_TEST_NO_MOUNTS=1 refuses mount and chattr, so a whole run can show the skips', () => {
  assert.throws(() => refusingRun('mount', ['-t', 'tmpfs', 'tmpfs', '/nowhere']), /permission denied/);
  assert.throws(() => refusingRun('chattr', ['+i', '/nowhere']), /permission denied/);
  const faultsModule = new URL('../support/file-system-faults.ts', import.meta.url).href;
  const probed = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `import(${JSON.stringify(faultsModule)}).then((faults) => console.log(faults.smallDiskUnavailable))`],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)), env: { ...process.env, HEADSHOT_FETCHER_TEST_NO_MOUNTS: '1' }, encoding: 'utf8' },
  );
  assert.equal(probed.status, 0, probed.stderr);
  if (process.platform === 'linux' && process.getuid?.() === 0) assert.match(probed.stdout, /mounting is not allowed here .*HEADSHOT_FETCHER_TEST_NO_MOUNTS/);
  else assert.match(probed.stdout, /root on Linux/);
});
