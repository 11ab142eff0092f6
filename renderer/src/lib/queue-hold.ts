import type { QueueStatus } from '../../../preload/api-contract';

/** Whole seconds until a hold ends, counted up so that "0 s" is never shown while it still holds. */
export function secondsLeft(holdUntil: number, now: number): number {
  return Math.max(1, Math.ceil((holdUntil - now) / 1000));
}

/** The queue's message as the window shows it: with the seconds left when the queue goes on by itself at a known time. */
export function queueStatusText(status: QueueStatus, now: number): string {
  const message = status.message ?? '';
  return status.holdUntil === null ? message : `${message} Resuming in ${secondsLeft(status.holdUntil, now)} s.`;
}
