import type { Notice } from '../../preload/api-contract';

/** How many notices a window opened later still gets. */
const maxNoticesKept = 20;

/**
 * Things the person should know that no request asked for (a stored file set aside, a failed
 * write): each is logged, sent as an event, and kept so a window that opens later shows it too.
 */
export function createNoticeBoard({ log, emit }: { log: (message: string) => void; emit: (notice: Notice) => void }) {
  const notices: Notice[] = [];
  return {
    notify(message: string): void {
      log(message);
      const notice = { id: (notices.at(-1)?.id ?? 0) + 1, message };
      notices.push(notice);
      if (notices.length > maxNoticesKept) notices.shift();
      emit(notice);
    },
    list: (): Notice[] => [...notices],
  };
}
