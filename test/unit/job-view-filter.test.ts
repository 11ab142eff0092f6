import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobView } from '../../preload/api-contract';
import { applyJobUpdates, createJobList, type JobList } from '../../renderer/src/lib/job-list';
import {
  compareIds,
  defaultViewOptions,
  dependsOnJobContent,
  isFiltered,
  matchesView,
  visibleJobIds,
  type JobViewOptions,
} from '../../renderer/src/lib/job-view-filter';
import { jobView } from '../support/job-views';
import { countedArray, countedMap, cpuMillisecondsOf, readBudget } from '../support/work-budget';

const view = (id: string, state: JobView['state'], imageCount = 0) => jobView(id, state, { imageCount });

function listOf(...views: JobView[]): JobList {
  const list = createJobList();
  applyJobUpdates(list, views);
  return list;
}

const options = (patch: Partial<JobViewOptions>): JobViewOptions => ({ ...defaultViewOptions, ...patch });

// Arrival order: 300, 21, 1000, 22, 5
const sample = () => listOf(view('300', 'ready', 2), view('21', 'failed'), view('1000', 'queued'), view('22', 'ready', 4), view('5', 'saved', 2));

test('with no filter the list shows every job in the order they came, as a copy it may keep', () => {
  const list = sample();
  const shown = visibleJobIds(list, defaultViewOptions);
  assert.deepEqual(shown, ['300', '21', '1000', '22', '5']);
  assert.notEqual(shown, list.order, 'a new array, so a later push to the list does not change what was shown');
  assert.deepEqual(visibleJobIds(list, options({ direction: 'descending' })), ['5', '22', '1000', '21', '300']);
  assert.equal(isFiltered(defaultViewOptions), false);
});

test('the state filter shows one state, in arrival order', () => {
  const list = sample();
  assert.deepEqual(visibleJobIds(list, options({ state: 'ready' })), ['300', '22']);
  assert.deepEqual(visibleJobIds(list, options({ state: 'processing' })), []);
  assert.equal(isFiltered(options({ state: 'ready' })), true);
});

test('the search finds IDs containing what was typed, spaces around it ignored, and combines with the filter', () => {
  const list = sample();
  assert.deepEqual(visibleJobIds(list, options({ search: '2' })), ['21', '22']);
  assert.deepEqual(visibleJobIds(list, options({ search: ' 00 ' })), ['300', '1000']);
  assert.deepEqual(visibleJobIds(list, options({ search: '2', state: 'failed' })), ['21']);
  assert.deepEqual(visibleJobIds(list, options({ search: 'abc' })), []);
  assert.equal(isFiltered(options({ search: '   ' })), false, 'spaces alone are no search');
  assert.equal(matchesView(undefined, defaultViewOptions), false, 'a job no longer listed is never shown');
});

test('IDs sort as numbers, though they are kept as text of any length', () => {
  const list = sample();
  assert.deepEqual(visibleJobIds(list, options({ sort: 'id' })), ['5', '21', '22', '300', '1000']);
  assert.deepEqual(visibleJobIds(list, options({ sort: 'id', direction: 'descending' })), ['1000', '300', '22', '21', '5']);
  assert.ok(compareIds('99999999999999999999', '100000000000000000000') < 0, 'beyond what a double holds exactly');
  assert.ok(compareIds('12202889', '12202888') > 0);
  assert.equal(compareIds('7', '7'), 0);
});

test('by state: queued first to failed last, ties in arrival order, whichever the direction', () => {
  const list = listOf(view('1', 'ready'), view('2', 'queued'), view('3', 'failed'), view('4', 'ready'), view('5', 'queued'));
  assert.deepEqual(visibleJobIds(list, options({ sort: 'state' })), ['2', '5', '1', '4', '3']);
  assert.deepEqual(visibleJobIds(list, options({ sort: 'state', direction: 'descending' })), ['3', '1', '4', '2', '5']);
});

test('by image count, ties in arrival order, whichever the direction', () => {
  const list = sample();
  assert.deepEqual(visibleJobIds(list, options({ sort: 'images' })), ['21', '1000', '300', '5', '22']);
  assert.deepEqual(visibleJobIds(list, options({ sort: 'images', direction: 'descending' })), ['22', '300', '5', '21', '1000']);
});

test('only filters and sorts that read a job’s state or images depend on more than which jobs are listed', () => {
  assert.equal(dependsOnJobContent(defaultViewOptions), false);
  assert.equal(dependsOnJobContent(options({ sort: 'id', search: '12', direction: 'descending' })), false);
  assert.equal(dependsOnJobContent(options({ state: 'failed' })), true);
  assert.equal(dependsOnJobContent(options({ sort: 'state' })), true);
  assert.equal(dependsOnJobContent(options({ sort: 'images' })), true);
});

test('100,000 jobs are filtered and sorted with linear reads of the list, and sorted right', () => {
  const jobCount = 100_000;
  const states: JobView['state'][] = ['queued', 'processing', 'ready', 'saved', 'failed'];
  const list = listOf(...Array.from({ length: jobCount }, (_, index) => view(String(97_000_000 - index * 7), states[index % 5]!, index % 6)));
  const order = list.order;
  const byId = list.byId;
  for (const patch of [{}, { sort: 'id' as const }, { sort: 'state' as const }, { sort: 'images' as const, direction: 'descending' as const }, { state: 'ready' as const, search: '9' }]) {
    // Each job is looked up a few times at most: a sort that reads the list in every comparison
    // (n log n reads) or a filter that scans it per job (n²) spends the budget at once.
    const budget = readBudget(3 * jobCount, `showing ${JSON.stringify(patch)}`);
    const counted = { order: countedArray(order, budget), byId: countedMap(byId, budget) };
    const { result: shown, cpuMs } = cpuMillisecondsOf(() => visibleJobIds(counted, options(patch)));
    assert.ok(shown.length > 0);
    // Work on the function's own arrays is not counted above; its processor time is: tens of ms
    // when it grows as n log n, minutes when it grows as n².
    assert.ok(cpuMs < 10_000, `${JSON.stringify(patch)} took ${cpuMs.toFixed(0)} ms of processor time`);
  }
  const shownById = visibleJobIds(list, options({ sort: 'id' }));
  for (let index = 1; index < shownById.length; index += 1) assert.ok(compareIds(shownById[index - 1]!, shownById[index]!) < 0);
  const shownByImages = visibleJobIds(list, options({ sort: 'images', direction: 'descending' }));
  for (let index = 1; index < shownByImages.length; index += 1) {
    const [previous, next] = [byId.get(shownByImages[index - 1]!)!, byId.get(shownByImages[index]!)!];
    assert.ok(previous.imageCount >= next.imageCount, 'most images first');
  }
});
