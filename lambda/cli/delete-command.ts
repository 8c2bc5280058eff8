import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { currentAccountId } from '../aws/account';
import { ClientFactory } from '../aws/client-factory';
import { runDeletion, type DeleterOptions } from '../aws/deleter';
import type { Scanner } from '../aws/scanners/types';
import { parseGroupId, splitList } from '../core/config';
import { backupOf, toJsonBytes } from '../core/backup';
import { renderDeletionLog } from '../core/deletion-log';
import { candidatesOf, checkSelection } from '../core/deletion-plan';
import type { AuditReport, AuditSettings, ClassifiedGroup } from '../core/model';
import { readAuditReport, ReportSchemaError, type ReadReport } from '../core/report-schema';
import { strictestSettings } from '../core/strictest';
import { plainText } from '../core/text';
import { parseFlags, UsageError, type CliCommand, type CliIo } from './io';
import { flag, SETTINGS_FLAGS, SETTINGS_FLAGS_USAGE, settingsFromFlags } from './settings-flags';

export const DELETE_USAGE = `Usage: sg-audit delete --report FILE [--groups sg-1,sg-2] [--yes] [settings flags]

Deletes candidates of an audit report (report.json from sg-audit audit --out, or from S3).
Each region is audited again first: only groups that are still candidates are deleted.
The re-audit is at least as strict as the report's audit and as the settings flags below
(same defaults as sg-audit audit): a source stays skipped only if both skip it, and every
protection of both applies. Writes pre-delete-backup.json (the groups and rules as the
re-audit found them, before any deletion), result.json and deletion_log.txt next to the report.

Options:
  --report FILE        the audit's report.json
  --groups sg-1,sg-2   delete only these candidates (default: every candidate)
  --yes                do not ask for confirmation (required without a terminal)
  -h, --help           this help

Settings flags (the re-audit):
${SETTINGS_FLAGS_USAGE}
`;

/** Reads and checks a report.json (any supported schema version); a UsageError says what is wrong. */
export async function readReportFile(path: string): Promise<AuditReport> {
  return (await readReportFileVersioned(path)).report;
}

async function readReportFileVersioned(path: string): Promise<ReadReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--report: cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--report: ${path} is not JSON`);
  }
  try {
    return readAuditReport(json);
  } catch (error) {
    if (error instanceof ReportSchemaError) throw new UsageError(`--report: ${path} is not an sg-auditor report (${error.message})`);
    throw error;
  }
}

/** "  sg-1  eu-west-1  name  UNVERIFIED by: ecs-services": one selected group of the prompt. */
function selectedLine(g: ClassifiedGroup): string {
  const unverified = g.unverifiedBy?.length ? `  UNVERIFIED by: ${g.unverifiedBy.join(', ')}` : '';
  return `  ${g.groupId}  ${g.region}  ${plainText(g.groupName)}${unverified}\n`;
}

/**
 * What the person must know before typing the number: which candidates no excluded source ever
 * checked, and whether the re-audit checks those sources now.
 */
function unverifiedWarning(selected: readonly ClassifiedGroup[], reaudit: AuditSettings): { lines: string; prompt: string } {
  const unverified = selected.filter((g) => (g.unverifiedBy?.length ?? 0) > 0);
  if (unverified.length === 0) return { lines: '', prompt: '' };
  const sources = [...new Set(unverified.flatMap((g) => g.unverifiedBy ?? []))].sort();
  const stillSkipped = sources.filter((s) => reaudit.skipSources.includes(s));
  const checkedNow = sources.filter((s) => !reaudit.skipSources.includes(s));
  const lines = [
    `WARNING: ${unverified.length} of these groups are UNVERIFIED by: ${sources.join(', ')}.`,
    'The audit excluded those sources (skipSources), so a use there was never looked for.',
    ...(checkedNow.length > 0 ? [`The re-audit before deleting checks ${checkedNow.join(', ')} now.`] : []),
    ...(stillSkipped.length > 0
      ? [`The re-audit still skips ${stillSkipped.join(', ')} (skipped here too): check those services yourself first.`]
      : []),
  ];
  return { lines: `${lines.join('\n')}\n`, prompt: ` (${unverified.length} UNVERIFIED by: ${sources.join(', ')})` };
}

/** Picks a file name that does not overwrite an earlier trail. */
async function freshPath(dir: string, name: string, stamp: string): Promise<string> {
  const first = join(dir, name);
  try {
    await access(first);
  } catch {
    return first;
  }
  const dot = name.lastIndexOf('.');
  return join(dir, `${name.slice(0, dot)}-${stamp}${name.slice(dot)}`);
}

export interface DeleteCommandDeps {
  factory?: () => ClientFactory;
  deleter?: DeleterOptions;
  /** The re-audit's scanners (default: the full registry). */
  scanners?: readonly Scanner[];
}

/** Builds `sg-audit delete` (tests inject the backoff and the client factory). */
export function createDeleteCommand(deps: DeleteCommandDeps = {}): CliCommand {
  return async (argv: string[], io: CliIo) => {
    const values = parseFlags('delete', argv, {
      report: { type: 'string' },
      groups: { type: 'string' },
      yes: { type: 'boolean' },
      ...SETTINGS_FLAGS,
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(DELETE_USAGE);
      return 0;
    }
    if (!values.report) throw new UsageError('--report FILE is required (see sg-audit delete --help)');
    const current = settingsFromFlags(values, 'all');
    const { report, upgradedFrom } = await readReportFileVersioned(values.report);
    if (upgradedFrom !== undefined) {
      io.err(
        `note: ${values.report} is a schema version ${upgradedFrom} report; its protection tag is read as the only one, ` +
          'and the re-audit applies every current protection as well\n',
      );
    }
    const reaudit = strictestSettings(report.settings, current);
    const selection = values.groups !== undefined ? splitList(values.groups) : candidatesOf(report).map((g) => g.groupId);
    if (values.groups !== undefined && selection.length === 0) throw new UsageError('--groups: give at least one group id');
    for (const id of selection) flag('groups', () => parseGroupId(id));
    const check = checkSelection(report, selection);
    if (!check.ok) {
      if (check.problem === 'empty') {
        io.out('The report has no candidates: nothing to delete.\n');
        return 0;
      }
      throw new UsageError(`--groups: not candidates in this report: ${check.invalid.join(', ')}`);
    }
    if (!values.yes && io.interactive !== true) {
      // Without a terminal nobody can type the count: refuse before touching AWS.
      io.err('sg-audit delete: no terminal to confirm on: pass --yes to delete without asking, or run it in a terminal\n');
      return 1;
    }

    const factory = (deps.factory ?? (() => new ClientFactory()))();
    try {
      const account = await currentAccountId(factory);
      if (account !== report.accountId) {
        throw new UsageError(`the credentials are for account ${account}, the report is for account ${report.accountId}`);
      }
      io.out(`${check.selected.length} security groups selected for deletion (account ${report.accountId}, audit ${report.auditId}):\n`);
      for (const g of check.selected) io.out(selectedLine(g));
      if (check.kept.length > 0) io.out(`${check.kept.length} other candidates will be kept.\n`);
      const warning = unverifiedWarning(check.selected, reaudit);
      if (warning.lines) io.out(warning.lines);
      if (!values.yes) {
        const answer = await io.prompt(
          `Each group is checked again before deletion. Type ${check.selected.length} to delete them${warning.prompt}: `,
        );
        if (answer.trim() !== String(check.selected.length)) {
          io.err('Not confirmed: nothing was deleted.\n');
          return 1;
        }
      }
      io.err(`re-auditing ${[...new Set(check.selected.map((g) => g.region))].join(', ')} before deleting...\n`);
      let backupSha256: string | undefined;
      const result = await runDeletion(
        {
          report,
          selection: check.selected.map((g) => g.groupId),
          settings: current,
          requester: { via: 'cli', ...(io.env.USER ? { user: io.env.USER } : {}) },
        },
        {
          factory,
          now: io.now,
          ...(deps.deleter ? { deleter: deps.deleter } : {}),
          ...(deps.scanners ? { scanners: deps.scanners } : {}),
          // As the workflow does: the groups and rules as they are now, written before any deletion.
          beforeDelete: async (fresh) => {
            const createdAt = io.now().toISOString();
            const backup = backupOf({ auditId: report.auditId, accountId: report.accountId, createdAt }, fresh.flatMap((r) => r.groups));
            const path = await freshPath(dirname(values.report as string), 'pre-delete-backup.json', createdAt.replace(/[:.]/g, '-'));
            const bytes = toJsonBytes(backup);
            await writeFile(path, bytes);
            backupSha256 = createHash('sha256').update(bytes).digest('hex');
            io.err(`wrote the pre-delete backup (${backup.groups.length} groups) to ${path}\n`);
            return Object.fromEntries(fresh.map((r) => [r.region, path]));
          },
        },
      );
      if (backupSha256) result.preDeleteBackupSha256 = Object.fromEntries(Object.keys(result.preDeleteBackups).map((region) => [region, backupSha256 as string]));
      const log = renderDeletionLog(result);
      const dir = dirname(values.report);
      const stamp = result.finishedAt.replace(/[:.]/g, '-');
      const resultPath = await freshPath(dir, 'result.json', stamp);
      const logPath = await freshPath(dir, 'deletion_log.txt', stamp);
      await writeFile(resultPath, `${JSON.stringify(result, null, 2)}\n`, 'utf8');
      await writeFile(logPath, log, 'utf8');
      io.out(log);
      io.err(`wrote ${resultPath} and ${logPath}\n`);
      return result.totals.failed > 0 ? 1 : 0;
    } finally {
      factory.destroy();
    }
  };
}

/** `sg-audit delete`. */
export const deleteCommand: CliCommand = createDeleteCommand();
