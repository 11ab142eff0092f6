import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMacPlatform, isSelectAll, modifierName, primaryModifier, takesText } from '../../renderer/src/lib/shortcuts';
import { scrollToShowRow } from '../../renderer/src/lib/virtual-rows';

test('keys belong to the field when focus is in one that types text', () => {
  assert.equal(takesText({ tagName: 'INPUT', type: 'text' }), true);
  assert.equal(takesText({ tagName: 'input', type: 'search' }), true);
  assert.equal(takesText({ tagName: 'INPUT', type: 'password' }), true);
  assert.equal(takesText({ tagName: 'INPUT', type: 'number' }), true);
  assert.equal(takesText({ tagName: 'INPUT' }), true, 'an input without a type is a text field');
  assert.equal(takesText({ tagName: 'TEXTAREA' }), true);
  assert.equal(takesText({ tagName: 'DIV', isContentEditable: true }), true);
  // A row's box, a button or the page itself leave the keys to the window.
  assert.equal(takesText({ tagName: 'INPUT', type: 'checkbox' }), false);
  assert.equal(takesText({ tagName: 'BUTTON' }), false);
  assert.equal(takesText({ tagName: 'SELECT' }), false);
  assert.equal(takesText({ tagName: 'BODY' }), false);
  assert.equal(takesText(null), false);
});

test('Ctrl-A, or ⌘-A on a Mac, and nothing else, selects all', () => {
  const key = (patch: Partial<{ key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }>) => ({
    key: 'a',
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...patch,
  });
  assert.equal(isSelectAll(key({ ctrlKey: true }), false), true);
  assert.equal(isSelectAll(key({ ctrlKey: true, key: 'A' }), false), true, 'with Caps Lock on');
  assert.equal(isSelectAll(key({ metaKey: true }), true), true);
  assert.equal(isSelectAll(key({ ctrlKey: true }), true), false, 'Ctrl-A on a Mac moves the caret');
  assert.equal(isSelectAll(key({ ctrlKey: true, shiftKey: true }), false), false);
  assert.equal(isSelectAll(key({}), false), false);
  assert.equal(primaryModifier({ ctrlKey: false, metaKey: true }, true), true);
  assert.equal(modifierName(true), '⌘');
  assert.equal(modifierName(false), 'Ctrl');
  assert.equal(isMacPlatform('MacIntel'), true);
  assert.equal(isMacPlatform('Linux x86_64'), false);
  assert.equal(isMacPlatform('Win32'), false);
});

test('moving to a row off screen scrolls just enough to show it below the header', () => {
  // Rows of 37 px, a 34 px header, 370 px of viewport: rows 0 to 8 fit whole below the header at the top.
  assert.equal(scrollToShowRow(3, 37, 34, 0, 370), 0, 'in view: no scrolling');
  assert.equal(scrollToShowRow(9, 37, 34, 0, 370), 34 + 10 * 37 - 370, 'below: its bottom meets the viewport’s');
  assert.equal(scrollToShowRow(2, 37, 34, 200, 370), 74, 'above: its top meets the header’s bottom');
  assert.equal(scrollToShowRow(99_999, 37, 34, 0, 370), 34 + 100_000 * 37 - 370);
});
