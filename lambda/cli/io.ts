import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a CLI command may touch: injected so tests drive commands without a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Asks a question on the terminal and resolves with the answer line (without newline). */
  prompt(question: string): Promise<string>;
  env: Record<string, string | undefined>;
  now(): Date;
}

/** A usage or input error: printed as one line on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Each subcommand: parses its own argv (after the subcommand name) and returns the exit code. */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a subcommand's flags strictly (unknown flags and positionals are errors), turning
 * node's parse errors into one-line UsageErrors that point at the command's --help.
 */
export function parseFlags<O extends FlagOptions>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see sg-audit ${command} --help)`);
  }
}
