import type { Attachment } from 'svelte/attachments';

/**
 * Follows an element's size from its ResizeObserver entries, which come after the frame's layout.
 * Unlike `bind:clientHeight`, it never reads the size when the element is created: that read
 * forces the browser to lay out the whole page in the middle of the frame that first shows it.
 * The content box is what clientWidth and clientHeight give for an element without padding.
 */
export function observeSize(onSize: (size: { width: number; height: number }) => void, box: 'content-box' | 'border-box' = 'content-box'): Attachment<Element> {
  return (element) => {
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const size = box === 'border-box' ? entry.borderBoxSize[0] : entry.contentBoxSize[0];
      if (size) onSize({ width: size.inlineSize, height: size.blockSize });
    });
    observer.observe(element, { box });
    return () => observer.disconnect();
  };
}
