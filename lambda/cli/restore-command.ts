import { readFile } from 'node:fs/promises';
import { ClientFactory } from '../aws/client-factory';
import { BackupFormatError, findBackupGroup, parseBackup, RestoreError, restoreGroup } from '../aws/restore';
import { parseGroupId } from '../core/config';
import { parseFlags, UsageError, type CliCommand, type CliIo } from './io';
import { flag } from './settings-flags';

export const RESTORE_USAGE = `Usage: sg-audit restore --backup FILE --group sg-x [--region R]

Recreates a deleted security group from an audit's backup.json: same name, description, VPC,
tags and rules. AWS gives it a NEW group id; resources must be pointed at the new id.

Options:
  --backup FILE   the audit's backup.json
  --group sg-x    the id of the group to recreate (as it was when audited)
  --region R      the group's region, if the id appears in several
  -h, --help      this help
`;

export interface RestoreCommandDeps {
  factory?: () => ClientFactory;
}

/** Builds `sg-audit restore` (tests inject the client factory). */
export function createRestoreCommand(deps: RestoreCommandDeps = {}): CliCommand {
  return async (argv: string[], io: CliIo) => {
    const values = parseFlags('restore', argv, {
      backup: { type: 'string' },
      group: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(RESTORE_USAGE);
      return 0;
    }
    if (!values.backup) throw new UsageError('--backup FILE is required (see sg-audit restore --help)');
    if (!values.group) throw new UsageError('--group sg-... is required: the id of the group to recreate');
    const groupId = flag('group', () => parseGroupId(values.group ?? ''));

    let json: unknown;
    try {
      json = JSON.parse(await readFile(values.backup, 'utf8'));
    } catch (error) {
      throw new UsageError(`--backup: cannot read ${values.backup} as JSON: ${(error as Error).message}`);
    }
    let group;
    try {
      group = findBackupGroup(parseBackup(json), groupId, values.region);
    } catch (error) {
      if (error instanceof BackupFormatError || error instanceof RestoreError) throw new UsageError(`--backup: ${error.message}`);
      throw error;
    }

    const factory = (deps.factory ?? (() => new ClientFactory()))();
    try {
      const result = await restoreGroup(group, factory.forRegion(group.region));
      io.out(
        `Recreated ${result.originalGroupId} (${result.groupName}) in ${result.region} as a NEW group: ${result.newGroupId}\n` +
          `The old id cannot be reused: point resources and rules at ${result.newGroupId}.\n` +
          `Rules restored: ${result.restoredRules}${result.revokedDefaultEgress ? ' (default allow-all egress removed, as in the original)' : ''}\n`,
      );
      if (result.failedRules.length > 0) {
        io.out(`Rules that could not be restored: ${result.failedRules.length}\n`);
        for (const f of result.failedRules) io.out(`  ${f.rule}: ${f.code}: ${f.message}\n`);
        return 1;
      }
      return 0;
    } finally {
      factory.destroy();
    }
  };
}

/** `sg-audit restore`. */
export const restoreCommand: CliCommand = createRestoreCommand();
