/** @module The CLI's output streams, injectable so end-to-end tests run the real commands in-process. */

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: Boolean(process.stderr.isTTY),
};
