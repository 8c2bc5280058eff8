import { version } from '../../package.json';
import { askLine, UsageError, type CliCommand, type CliIo } from './io';

/**
 * One entry per command: its one-line summary for the usage, and how to load it. The command's
 * module (and the AWS SDK clients it pulls in) loads only when that command runs, so `--help`,
 * `--version` and a mistyped command start at once; in the bundle each `import()` is its own
 * chunk (scripts/build-cli.js). Adding a command is adding one entry here.
 */
interface CommandEntry {
  summary: string;
  load(): Promise<CliCommand>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  audit: {
    summary: 'audit security groups in one, several or all regions',
    load: async () => (await import('./audit-command')).auditCommand,
  },
  delete: {
    summary: 'delete the candidates of a report, after re-checking each one',
    load: async () => (await import('./delete-command')).deleteCommand,
  },
  restore: {
    summary: 'recreate deleted groups, with the rules between them, from backup.json',
    load: async () => (await import('./restore-command')).restoreCommand,
  },
  serve: {
    summary: 'serve the approval page and run the deletion workflow locally',
    load: async () => (await import('./serve-command')).serveCommand,
  },
};

const nameWidth = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 3;

export const USAGE = `Usage: sg-audit <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(nameWidth)}${summary}`)
  .join('\n')}

Run sg-audit <command> --help for a command's options; sg-audit --version for the version.
AWS credentials and region come from the standard AWS chain (AWS_PROFILE, AWS_REGION, ...).
`;

/** Runs the CLI and returns the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`sg-audit ${version}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`sg-audit: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sg-audit ${name}: ${error.message}\n`);
      return 2;
    }
    // The message only: a class name (TypeError, ...) tells the person nothing they can act on.
    const e = error as Error;
    const message = (e?.message ?? String(error)).split('\n')[0] || 'unexpected failure';
    io.err(`sg-audit ${name}: ${message}${process.env.SG_AUDIT_DEBUG ? '' : ' (SG_AUDIT_DEBUG=1 shows where)'}\n`);
    if (process.env.SG_AUDIT_DEBUG) io.err(`${e.stack}\n`);
    return 1;
  }
}

/** The process's real terminal. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    prompt: (question) => askLine(question, process.stdin, process.stderr),
    interactive: process.stdin.isTTY === true,
    env: process.env,
    now: () => new Date(),
  };
}
