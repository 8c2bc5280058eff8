import { createInterface } from 'node:readline/promises';
import { auditCommand } from './audit-command';
import { deleteCommand } from './delete-command';
import { restoreCommand } from './restore-command';
import { serveCommand } from './serve-command';
import { UsageError, type CliCommand, type CliIo } from './io';

export const USAGE = `Usage: sg-audit <command> [options]

Commands:
  audit     audit security groups in one, several or all regions
  delete    delete the candidates of a report, after re-checking each one
  restore   recreate a deleted group from backup.json
  serve     serve the approval page and run the deletion workflow locally

Run sg-audit <command> --help for a command's options.
AWS credentials and region come from the standard AWS chain (AWS_PROFILE, AWS_REGION, ...).
`;

const COMMANDS: Record<string, CliCommand> = {
  audit: auditCommand,
  delete: deleteCommand,
  restore: restoreCommand,
  serve: serveCommand,
};

/** Runs the CLI and returns the exit code: 0 ok, 1 failed, 2 bad usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`sg-audit: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sg-audit ${name}: ${error.message}\n`);
      return 2;
    }
    const e = error as Error;
    io.err(`sg-audit ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(error)}\n`);
    if (process.env.SG_AUDIT_DEBUG) io.err(`${e.stack}\n`);
    return 1;
  }
}

/** The process's real terminal. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    async prompt(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    env: process.env,
    now: () => new Date(),
  };
}

if (require.main === module) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`sg-audit: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
