import type { Notice } from '../../../preload/api-contract';

/** Banners at the top of the window: notices from main and problems the window met itself. */
class NoticesStore {
  shown = $state<Notice[]>([]);
  /** The window's own notices count down from -1, so they never take the ID of one from main. */
  #nextLocalId = -1;

  /** Shows each notice once, whether it came as an event, in the first list, or both. */
  add = (incoming: readonly Notice[]): void => {
    const shownIds = new Set(this.shown.map((notice) => notice.id));
    this.shown = [...this.shown, ...incoming.filter((notice) => !shownIds.has(notice.id))];
  };

  /** A problem the window itself met, such as a request main refused. */
  show = (message: string): void => this.add([{ id: this.#nextLocalId--, message }]);

  dismiss = (id: number): void => {
    this.shown = this.shown.filter((notice) => notice.id !== id);
  };
}

export const notices = new NoticesStore();
