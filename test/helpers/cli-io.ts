import type { CliIo } from '../../lambda/cli/io';

/** An in-memory CliIo: what a command prints is kept in stdout and stderr; no prompt answer, a fixed clock. */
export function io(): CliIo & { stdout: string; stderr: string } {
  const captured = {
    stdout: '',
    stderr: '',
    out(text: string) {
      captured.stdout += text;
    },
    err(text: string) {
      captured.stderr += text;
    },
    prompt: async () => '',
    env: {},
    now: () => new Date('2026-11-26T00:00:00Z'),
  };
  return captured;
}
