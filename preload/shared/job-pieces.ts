// How a big batch of jobs is cut into pieces: the messages main sends the window, and the frames
// the window applies them in. The first piece of a big batch is a screenful, drawn at once; the
// rest follows in pieces a frame can take.

/** Jobs per piece: a 100,000-job drop is ten small messages the window takes a frame at a time, not one of 14 MB. */
export const maxJobsPerPiece = 10_000;
/** The first piece of a batch of more than `bigBatch` jobs: more than a screenful of rows. */
export const firstPieceOfBigBatch = 200;
const bigBatch = 1_000;
/** How long main waits after a big batch's first piece before the rest: long enough for the window to draw that piece (a few frames), too short to notice. */
export const restOfBigBatchAfterMs = 50;

/** Where a batch of `count` jobs is cut, as [start, end) pairs in order. */
export function batchPieces(count: number): Array<[start: number, end: number]> {
  const pieces: Array<[number, number]> = [];
  let start = 0;
  if (count > bigBatch) pieces.push([0, (start = firstPieceOfBigBatch)]);
  for (; start < count; start += maxJobsPerPiece) pieces.push([start, Math.min(count, start + maxJobsPerPiece)]);
  return pieces;
}
