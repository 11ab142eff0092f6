// Window-wide keys (Ctrl/⌘-A, Ctrl/⌘-V, Escape) act on the job list only when focus is not in
// a place that types text: there, they belong to the field.

/** The parts of a focused element this reads, so tests can hand in plain objects. */
export interface FocusTarget {
  tagName: string;
  type?: string;
  isContentEditable?: boolean;
}

/** Input types that hold no text: a key pressed on them is free for the window. */
const inputsWithoutText = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

export function takesText(target: FocusTarget | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA') return true;
  return tag === 'INPUT' && !inputsWithoutText.has((target.type ?? 'text').toLowerCase());
}

export const isMacPlatform = (platform: string): boolean => /^Mac|iPhone|iPad/.test(platform);

/** Ctrl, or ⌘ on a Mac: the key shortcuts are written with. */
export function primaryModifier(event: { ctrlKey: boolean; metaKey: boolean }, mac: boolean): boolean {
  return mac ? event.metaKey : event.ctrlKey;
}

export const modifierName = (mac: boolean): string => (mac ? '⌘' : 'Ctrl');

/** Ctrl/⌘-A with no other modifier. */
export function isSelectAll(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }, mac: boolean): boolean {
  return primaryModifier(event, mac) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'a';
}
