// The command line's view of its process: where text goes, and what the exit statuses mean.

export const exitCodes = {
  success: 0,
  jobFailed: 1,
  usage: 2,
  keyProblem: 3,
  /** ModelsLab could not be reached for --offline-wait seconds; a second run fetches what is missing. */
  unreachable: 4,
  /**
   * The shell's convention: 128 + the signal's number, so a loop of commands stops on Ctrl-C.
   * SIGPIPE stands for standard output closed by its reader, as `| head` does.
   */
  interrupted: (signal: unknown) => (signal === 'SIGTERM' ? 143 : signal === 'SIGPIPE' ? 141 : 130),
} as const;

export interface ProgressLine {
  update(): void;
  end(): void;
}

export interface Terminal {
  stdinIsTerminal: boolean;
  /** All of standard input; what came so far once `signal` aborts, since a pipe may never be closed. */
  readStdin(signal?: AbortSignal): Promise<string>;
  /** A line on standard output: results, for scripts. */
  output(line: string): void;
  /** A line on standard error: messages for the person. */
  error(line: string): void;
  /** A line redrawn in place on standard error, when it is a terminal and progress is wanted. */
  progressLine(render: () => string, wanted: boolean): ProgressLine;
}

export interface ProcessTerminalOptions {
  /** Standard output failed, usually because its reader went away (EPIPE); nothing more is written there. */
  onOutputClosed(): void;
}

export function processTerminal({ onOutputClosed }: ProcessTerminalOptions): Terminal {
  let progressShown = false;
  let outputClosed = false;
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[K');
    progressShown = false;
  };
  // Without a listener a closed pipe is an uncaught exception: a stack trace, and no clean stop.
  process.stdout.on('error', () => {
    if (outputClosed) return;
    outputClosed = true;
    onOutputClosed();
  });
  return {
    stdinIsTerminal: process.stdin.isTTY === true,
    async readStdin(signal) {
      if (signal?.aborted) return '';
      const chunks: Buffer[] = [];
      const stop = () => process.stdin.destroy();
      signal?.addEventListener('abort', stop, { once: true });
      try {
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      } catch (error) {
        if (!signal?.aborted) throw error;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    output(line) {
      if (outputClosed) return;
      // On the same terminal as the progress line, a result would otherwise continue that line.
      if (process.stdout.isTTY) clearProgress();
      process.stdout.write(`${line}\n`);
    },
    error(line) {
      clearProgress();
      process.stderr.write(`${line}\n`);
    },
    progressLine(render, wanted) {
      if (!wanted || !process.stderr.isTTY) return { update: () => undefined, end: () => undefined };
      let lastDrawn = 0;
      const draw = () => {
        lastDrawn = Date.now();
        // A pseudo-terminal may report 0 columns: that is "unknown", not "none".
        process.stderr.write(`\r\x1b[K${render().slice(0, Math.max(20, (process.stderr.columns || 80) - 1))}`);
        progressShown = true;
      };
      return {
        update: () => (Date.now() - lastDrawn >= 100 ? draw() : undefined),
        end: () => {
          draw();
          process.stderr.write('\n');
          progressShown = false;
        },
      };
    },
  };
}
