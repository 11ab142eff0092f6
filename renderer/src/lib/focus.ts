// Keyboard focus that survives the controls it sits on: when an action makes the focused button go
// away or disables it (a confirmation replacing it, a count dropping to zero), the browser drops the
// focus on the page itself and a keyboard user has to start again from the top. These attachments
// prevent that. A control that is only busy for a moment is marked aria-disabled instead, which
// keeps its focus.
import type { Attachment } from 'svelte/attachments';

/**
 * Whether the focus has been lost: nothing, or the page itself, holds it, or a control just disabled
 * (which holds it only until the browser next draws, then drops it).
 */
export const focusLost = (): boolean => document.activeElement === null || document.activeElement === document.body || document.activeElement.matches(':disabled');

const focusable = 'button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex="-1"])';

/** The control nearest to one that can no longer take the focus, in the container's order: the next one, else the one before. */
function nearestEnabled(container: HTMLElement, from: Element): HTMLElement | null {
  const candidates = [...container.querySelectorAll<HTMLElement>(focusable)].filter((element) => !element.matches(':disabled') && element.getClientRects().length > 0);
  const after = candidates.find((element) => from.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
  return after ?? candidates.filter((element) => from.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING).pop() ?? null;
}

/**
 * Watches a container: when the focused control inside it is taken out of the page (the focus then
 * goes to `fallback()`, or the container itself) or disabled (the focus then goes to the nearest
 * control still enabled), the focus stays in the container instead of being lost.
 */
export function keepFocusWithin(fallback?: () => HTMLElement | null | undefined): Attachment<HTMLElement> {
  return (container) => {
    let focused: Element | null = null;
    const onFocusIn = (event: FocusEvent) => (focused = event.target as Element);
    // Focus moved elsewhere on purpose: nothing to give back.
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget !== null && !container.contains(event.relatedTarget as Node)) focused = null;
    };
    const observer = new MutationObserver(() => {
      const gone = focused;
      if (gone === null || !focusLost()) return;
      focused = null;
      let target = gone.isConnected ? nearestEnabled(container, gone) : null;
      target ??= fallback?.() ?? container;
      if (target === container && !container.hasAttribute('tabindex')) container.tabIndex = -1;
      target.focus();
    });
    container.addEventListener('focusin', onFocusIn);
    container.addEventListener('focusout', onFocusOut);
    observer.observe(container, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    return () => {
      observer.disconnect();
      container.removeEventListener('focusin', onFocusIn);
      container.removeEventListener('focusout', onFocusOut);
    };
  };
}

/** Focuses an element as it appears: for a control that replaces the one just pressed. */
export const focusOnMount: Attachment<HTMLElement> = (element) => element.focus();

/**
 * Takes the focus as an element appears, if the focus was lost: for a view that replaces the one
 * the focus was in (the list emptied by the action just taken, say).
 */
export const takeLostFocus: Attachment<HTMLElement> = (element) => {
  if (!focusLost()) return;
  if (element.tabIndex < 0 && !element.hasAttribute('tabindex')) element.tabIndex = -1;
  element.focus();
};
