import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a CLI command may touch: injected so tests drive commands without a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Asks a question on the terminal and resolves with the answer line (without newline); '' at end of input. */
  prompt(question: string): Promise<string>;
  /** True when a person can answer prompt (stdin is a terminal); absent means no one can. */
  interactive?: boolean;
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
    return parseArgs({ args: joinNegativeValues(argv, options), strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see sg-audit ${command} --help)`);
  }
}

/**
 * `--min-age-days -3` as `--min-age-days=-3`: node reads a value starting with a dash as a
 * missing value ("ambiguous"), so the flag's own check could never say what range it accepts.
 */
function joinNegativeValues(argv: readonly string[], options: FlagOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && Object.hasOwn(options, name) && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * Asks one question on `output` and resolves with the line typed on `input`, or '' when the
 * input ends first (Ctrl-D, a closed pipe): end of input is never a confirmation.
 */
export function askLine(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) output.write('\n');
      resolve('');
    });
    output.write(question);
  });
}
