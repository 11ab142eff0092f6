// The command line's view of its process: where text goes, and what the exit statuses mean.

export const exitCodes = {
  success: 0,
  jobFailed: 1,
  usage: 2,
  keyProblem: 3,
  /** The shell's convention: 128 + the signal's number, so a loop of commands stops on Ctrl-C. */
  interrupted: (signal: unknown) => (signal === 'SIGTERM' ? 143 : 130),
} as const;

export interface ProgressLine {
  update(): void;
  end(): void;
}

export interface Terminal {
  stdinIsTerminal: boolean;
  readStdin(): Promise<string>;
  /** A line on standard output: results, for scripts. */
  output(line: string): void;
  /** A line on standard error: messages for the person. */
  error(line: string): void;
  /** A line redrawn in place on standard error, when it is a terminal and progress is wanted. */
  progressLine(render: () => string, wanted: boolean): ProgressLine;
}

export function processTerminal(): Terminal {
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\x1b[K');
    progressShown = false;
  };
  return {
    stdinIsTerminal: process.stdin.isTTY === true,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    output: (line) => void process.stdout.write(`${line}\n`),
    error(line) {
      clearProgress();
      process.stderr.write(`${line}\n`);
    },
    progressLine(render, wanted) {
      if (!wanted || !process.stderr.isTTY) return { update: () => undefined, end: () => undefined };
      let lastDrawn = 0;
      const draw = () => {
        lastDrawn = Date.now();
        process.stderr.write(`\r\x1b[K${render().slice(0, Math.max(20, (process.stderr.columns ?? 80) - 1))}`);
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
