import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentAccountId } from '../aws/account';
import type { ProgressEvent } from '../aws/audit';
import { ClientFactory, INVENTORY_LABEL } from '../aws/client-factory';
import { listEnabledRegions } from '../aws/regions';
import { auditArtifacts } from '../core/backup';
import { parseRegions, parseWholeNumber } from '../core/config';
import type { AuditReport, AuditSettings } from '../core/model';
import { parseAccounts, parseRoleName } from '../core/org-config';

/**
 * The role assumed in each account from a terminal. The deployed member roles trust only the
 * auditor's worker roles, so the CLI defaults to the role AWS Organizations creates in the
 * accounts it creates (assumable from the management account).
 */
export const CLI_MEMBER_ROLE = 'OrganizationAccountAccessRole';
import { describeScanError, renderLog, renderSummaryTable } from '../core/render-log';
import { parseFlags, UsageError, type CliCommand, type CliIo } from './io';
import { flag, SETTINGS_FLAGS, SETTINGS_FLAGS_USAGE, settingsFromFlags } from './settings-flags';

const DEFAULT_ORG_CONCURRENCY = 8;

export const AUDIT_USAGE = `Usage: sg-audit audit [options]

Audits security groups and prints a summary (or the JSON report with --json).

Options:
  --regions all|r1,r2          regions to audit (default: all enabled regions)
${SETTINGS_FLAGS_USAGE}
  --accounts all|id1,id2       organization mode: audit these accounts (all = every ACTIVE account
                               of the Organization) through their member role
  --member-role NAME           the exact role assumed in each account (default ${CLI_MEMBER_ROLE})
  --concurrency N              organization mode: (account, region) items audited at once (default ${DEFAULT_ORG_CONCURRENCY})
  --json                       print the JSON report on stdout instead of the summary
  --out DIR                    also write report.json, <account>_sg_log.txt and backup.json to DIR
  --quiet                      no progress on stderr
  --verbose                    also print each source's progress and the slowest sources on stderr
  -h, --help                   this help
`;

export interface AuditCommandOptions {
  settings: AuditSettings;
  json: boolean;
  outDir?: string;
  quiet: boolean;
  /** Organization mode (--accounts): which accounts, through which role, how many items at once. */
  org?: { accounts: string[] | 'all'; memberRole: string; concurrency: number };
  /** Print the slowest sources after the audit. */
  verbose?: boolean;
}

/** Parses `sg-audit audit` flags; throws UsageError naming the flag and the fix. */
export function parseAuditArgs(argv: string[]): AuditCommandOptions | 'help' {
  const values = parseFlags('audit', argv, {
    regions: { type: 'string' },
    ...SETTINGS_FLAGS,
    json: { type: 'boolean' },
    out: { type: 'string' },
    quiet: { type: 'boolean' },
    accounts: { type: 'string' },
    'member-role': { type: 'string' },
    concurrency: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const settings = settingsFromFlags(values, flag('regions', () => parseRegions(values.regions ?? 'all')));
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out: give a directory');
  if (values.accounts === undefined && (values['member-role'] !== undefined || values.concurrency !== undefined)) {
    throw new UsageError(`--${values['member-role'] !== undefined ? 'member-role' : 'concurrency'} applies to organization mode: add --accounts all or --accounts id1,id2`);
  }
  const org =
    values.accounts === undefined
      ? undefined
      : {
          accounts: flag('accounts', () => parseAccounts(values.accounts ?? '')),
          memberRole: flag('member-role', () => parseRoleName(values['member-role'] ?? CLI_MEMBER_ROLE)),
          concurrency: flag('concurrency', () => parseWholeNumber(values.concurrency ?? String(DEFAULT_ORG_CONCURRENCY), '--concurrency', 1, 100)),
        };
  return {
    settings,
    json: values.json === true,
    quiet: values.quiet === true,
    ...(values.out ? { outDir: values.out } : {}),
    ...(org ? { org } : {}),
    ...(values.verbose ? { verbose: true } : {}),
  };
}

/** How many sources `--verbose` lists. */
const SLOWEST_SHOWN = 10;

/** `--verbose`: the slowest scans of the report, one line each ("eu-west-1 lambda: 1.24 s, 3 API calls"). */
export function slowestSources(report: AuditReport, count = SLOWEST_SHOWN): string {
  const scans = report.regions
    .flatMap((r) => r.scans.map((s) => ({ region: r.region, ...s })))
    .filter((s) => s.durationMs !== undefined && s.status !== 'skipped')
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
    .slice(0, count);
  if (scans.length === 0) return '';
  const lines = scans.map((s) => {
    const shared = s.sharedListings?.length ? ` (+ shared ${s.sharedListings.join(', ')})` : '';
    return `  ${s.region} ${s.source}: ${((s.durationMs ?? 0) / 1000).toFixed(2)} s, ${s.apiCalls} API call${s.apiCalls === 1 ? '' : 's'}${shared}${s.status === 'failed' ? `, FAILED ${s.error?.code ?? ''}` : ''}`;
  });
  return `Slowest sources:\n${lines.join('\n')}\n`;
}

/**
 * The first calls (STS, then the region list) must answer within this long: they are tiny, so
 * an endpoint that accepts connections and never answers ends the CLI with a clear message
 * instead of the SDK's retries of the per-call timeouts (minutes).
 */
export const STARTUP_DEADLINE_MS = 10_000;

/** The startup calls did not answer in time. */
export class StartupTimeoutError extends Error {
  override readonly name = 'StartupTimeoutError';
}

function withDeadline<T>(work: () => Promise<T>, ms: number, what: string, env: CliIo['env']): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const endpoint = env.AWS_ENDPOINT_URL ? ` at ${env.AWS_ENDPOINT_URL} (AWS_ENDPOINT_URL)` : '';
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StartupTimeoutError(`no answer from ${what}${endpoint} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work(), deadline]).finally(() => clearTimeout(timer));
}

/** A progress line for stderr: per-source lines only with --verbose, except failures, which always show their reason. */
export function progressLine(event: ProgressEvent, verbose = false): string | undefined {
  switch (event.kind) {
    case 'inventory':
      return `[${event.region}] inventory: ${event.groups} security groups`;
    case 'scan':
      if (event.status === 'failed') return `[${event.region}] ${event.source}: FAILED: ${describeScanError(event.error)}`;
      if (!verbose) return undefined;
      return `[${event.region}] ${event.source}: ${event.status}${event.usages > 0 ? `, ${event.usages} usages` : ''}${event.note ? ` (${event.note})` : ''}`;
    case 'region-done':
      return `[${event.region}] ${event.status === 'ok' ? 'done' : 'FAILED: region not audited'}`;
    default:
      return undefined;
  }
}

/** Says what went wrong before the audit could start, in one line, with the fix. */
export function describeStartupError(error: unknown): string {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return 'no AWS credentials found: configure them with `aws configure`, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (name === 'StartupTimeoutError') {
    return `cannot reach AWS: ${message}; check the network, any proxy, and AWS_ENDPOINT_URL`;
  }
  if (/region/i.test(message) && /missing/i.test(message)) {
    return 'no AWS region configured: set AWS_REGION (e.g. AWS_REGION=us-east-1)';
  }
  return `cannot reach AWS: ${message.split('\n')[0]}`;
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file is in the way',
  EEXIST: 'it is a file, not a directory',
  ENOSPC: 'no space left',
};

/** `--out`: creates the directory and proves it writable before any AWS call, so a long audit is not lost at the end. */
export async function assertWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`--out: cannot write to ${dir}: ${FS_REASONS[code] ?? (error as Error).message}`);
  }
}

/** What tests replace: the client factory and the startup deadline. */
export interface AuditCommandDeps {
  factory?: () => ClientFactory;
  startupDeadlineMs?: number;
}

/** `sg-audit audit`, with its dependencies. */
export function createAuditCommand(deps: AuditCommandDeps = {}): CliCommand {
  return (argv, io) => runAuditCommand(argv, io, deps);
}

async function runAuditCommand(argv: string[], io: CliIo, deps: AuditCommandDeps): Promise<number> {
  const parsed = parseAuditArgs(argv);
  if (parsed === 'help') {
    io.out(AUDIT_USAGE);
    return 0;
  }
  if (parsed.outDir) await assertWritableDir(parsed.outDir);
  if (parsed.org) {
    // Loaded only for organization mode.
    const { runOrgAuditCli } = await import('./org-audit');
    return runOrgAuditCli({ ...parsed.org, settings: parsed.settings, json: parsed.json, quiet: parsed.quiet, ...(parsed.outDir ? { outDir: parsed.outDir } : {}) }, io);
  }
  const factory = (deps.factory ?? (() => new ClientFactory()))();
  const startupMs = deps.startupDeadlineMs ?? STARTUP_DEADLINE_MS;
  try {
    let accountId: string;
    let enabled: string[];
    let engine: Promise<typeof import('../aws/audit')>;
    try {
      accountId = await withDeadline(() => factory.counter.run(INVENTORY_LABEL, () => currentAccountId(factory)), startupMs, 'STS GetCallerIdentity', io.env);
      // The audit engine (every scanner and its SDK client, ~3 MB) starts loading only now, after
      // the first request, and loads while the region list is asked for.
      engine = import('../aws/audit');
      engine.catch(() => undefined); // awaited below; a start-up failure must not leave it unhandled
      enabled = await withDeadline(() => factory.counter.run(INVENTORY_LABEL, () => listEnabledRegions(factory)), startupMs, 'EC2 DescribeRegions', io.env);
    } catch (error) {
      io.err(`sg-audit: ${describeStartupError(error)}\n`);
      return 1;
    }
    const { settings } = parsed;
    const { runAudit } = await engine;
    if (settings.regions !== 'all') {
      const unknown = settings.regions.filter((r) => !enabled.includes(r));
      if (unknown.length > 0) {
        throw new UsageError(`--regions: ${unknown.join(', ')} not enabled for account ${accountId} (enabled: ${enabled.join(', ')})`);
      }
    }
    const audited = await runAudit(
      { ...settings, regions: settings.regions === 'all' ? enabled : settings.regions },
      {
        factory,
        accountId,
        now: io.now,
        onProgress: parsed.quiet
          ? undefined
          : (event) => {
              const line = progressLine(event, parsed.verbose === true);
              if (line) io.err(`${line}\n`);
            },
      },
    );
    audited.settings = settings;
    // The report printed and written carries the backup's SHA-256 (restore checks it).
    const { report, reportBytes, backupBytes } = auditArtifacts(audited);
    if (parsed.outDir) {
      await mkdir(parsed.outDir, { recursive: true });
      await writeFile(join(parsed.outDir, 'backup.json'), backupBytes);
      await writeFile(join(parsed.outDir, 'report.json'), reportBytes);
      await writeFile(join(parsed.outDir, `${report.accountId}_sg_log.txt`), renderLog(report), 'utf8');
      io.err(`wrote report.json, ${report.accountId}_sg_log.txt and backup.json to ${parsed.outDir}\n`);
    }
    io.out(parsed.json ? reportBytes.toString('utf8') : renderSummaryTable(report));
    if (parsed.verbose) io.err(slowestSources(report));
    const allFailed = report.regions.length > 0 && report.regions.every((r) => r.status === 'failed');
    return allFailed ? 1 : 0;
  } finally {
    factory.destroy();
  }
}

/** `sg-audit audit`. */
export const auditCommand: CliCommand = createAuditCommand();
