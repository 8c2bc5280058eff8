import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STSClient } from '@aws-sdk/client-sts';
import { ClientFactory, INVENTORY_LABEL } from '../aws/client-factory';
import { reportCoverage } from '../aws/coverage';
import { MemberCredentials } from '../aws/member-role';
import { auditOrgItem, discoverAccountRegions, listActiveAccounts } from '../aws/org';
import { homeRegion } from '../aws/regions';
import type { Scanner } from '../aws/scanners/types';
import { newAuditId } from '../core/audit-id';
import { auditArtifacts, toJsonBytes } from '../core/backup';
import { mapLimit } from '../core/concurrency';
import type { AuditReport, AuditSettings } from '../core/model';
import {
  accountStatus,
  assembleAccountReport,
  failedRegionsOf,
  planOrg,
  summarizeOrg,
  type OrgAccountResult,
  type OrgItem,
  type RegionItemResult,
} from '../core/org';
import { renderOrgTable } from '../core/render-org';
import { renderLog } from '../core/render-log';
import { auditKeys } from '../core/s3-keys';
import { cleanText } from '../core/render-email';
import type { CliIo } from './io';

/**
 * `sg-audit audit --accounts all|id,...`: the organization audit's plan and items run in this
 * process (the same functions the state machine's tasks call), with bounded concurrency and a
 * progress line per account. No S3, no link, no email: the reports go to the terminal or --out.
 */

export interface OrgCliOptions {
  settings: AuditSettings;
  accounts: string[] | 'all';
  memberRole: string;
  concurrency: number;
  json: boolean;
  outDir?: string;
  quiet: boolean;
}

export interface OrgCliDeps {
  /** Test seam; a new factory (default credential chain) by default. */
  home?: ClientFactory;
  /** The scanner registry by default; tests on moto pass a subset. */
  scanners?: readonly Scanner[];
}

/** Runs the org audit from the terminal; returns the exit code (1 when no account could be audited). */
export async function runOrgAuditCli(options: OrgCliOptions, io: CliIo, deps: OrgCliDeps = {}): Promise<number> {
  const home = deps.home ?? new ClientFactory();
  const credentials = new MemberCredentials({ sts: home.forRegion(homeRegion()).get(STSClient), roleName: options.memberRole });
  const progress = (line: string) => {
    if (!options.quiet) io.err(`${line}\n`);
  };
  try {
    const started = io.now();
    const auditId = newAuditId(started);
    const listed =
      options.accounts === 'all'
        ? await home.counter.run(INVENTORY_LABEL, () => listActiveAccounts(home))
        : options.accounts.map((accountId) => ({ accountId }));
    progress(`organization audit ${auditId}: ${listed.length} accounts, role ${options.memberRole}`);
    const reached = await discoverAccountRegions(listed, { credentials, concurrency: options.concurrency });
    for (const a of reached) {
      if (a.error) progress(`[${a.accountId}] FAILED: ${cleanText(a.error.code, 60)}: ${cleanText(a.error.message, 300)}`);
    }
    const plan = planOrg(reached, options.settings.regions, homeRegion(), auditId);

    const byAccount = new Map<string, Map<string, RegionItemResult>>();
    const remaining = new Map(plan.accounts.map((a) => [a.accountId, a.regions.length]));
    await mapLimit(plan.items, options.concurrency, async (item: OrgItem) => {
      const result = await auditOrgItem(item, options.settings, { credentials, now: () => io.now(), ...(deps.scanners ? { scanners: deps.scanners } : {}) });
      const results = byAccount.get(item.accountId) ?? new Map<string, RegionItemResult>();
      results.set(item.region, result);
      byAccount.set(item.accountId, results);
      const left = (remaining.get(item.accountId) ?? 1) - 1;
      remaining.set(item.accountId, left);
      const account = plan.accounts.find((a) => a.accountId === item.accountId);
      const total = account?.regions.length ?? 0;
      const status = result.report.status === 'failed' ? `FAILED (${cleanText(result.report.error?.code ?? 'Error', 60)})` : `${result.report.totals.candidates} candidates`;
      progress(`[${item.accountId}] ${item.region}: ${status} (${total - left}/${total} regions)`);
    });

    const reports: AuditReport[] = [];
    const results: OrgAccountResult[] = [];
    for (const account of plan.accounts) {
      const report = assembleAccountReport(account, { startedAt: started.toISOString(), settings: options.settings }, byAccount.get(account.accountId) ?? new Map(), io.now(), reportCoverage());
      reports.push(report);
      const keys = auditKeys(account.accountId, report.auditId);
      results.push({
        accountId: account.accountId,
        ...(account.name ? { name: account.name } : {}),
        auditId: report.auditId,
        status: accountStatus(report),
        regions: report.regions.length,
        totals: report.totals,
        failedRegions: failedRegionsOf(report),
        apiCalls: report.apiCalls.total,
        keys: { report: keys.report, log: keys.log, backup: keys.backup },
        reportSha256: '',
      });
      progress(`[${account.accountId}] ${accountStatus(report)}: ${report.totals.candidates} candidates, ${report.totals.unknown} unknown`);
    }
    const summary = summarizeOrg(auditId, started.toISOString(), io.now().toISOString(), results, home.counter.total());

    if (options.outDir) {
      for (const audited of reports) {
        // As for one account: the report written carries the backup's SHA-256 (restore checks it).
        const { report, reportBytes, backupBytes } = auditArtifacts(audited);
        const dir = join(options.outDir, report.accountId);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'backup.json'), backupBytes);
        await writeFile(join(dir, 'report.json'), reportBytes);
        await writeFile(join(dir, `${report.accountId}_sg_log.txt`), renderLog(report), 'utf8');
      }
      await writeFile(join(options.outDir, 'summary.json'), toJsonBytes(summary));
      await writeFile(join(options.outDir, 'summary.txt'), renderOrgTable(summary), 'utf8');
      progress(`wrote summary.json, summary.txt and one folder per account (report.json, sg_log.txt, backup.json) to ${options.outDir}`);
    }
    io.out(options.json ? toJsonBytes({ summary, reports }).toString('utf8') : renderOrgTable(summary));
    return summary.accounts.total > 0 && summary.accounts.failed === summary.accounts.total ? 1 : 0;
  } finally {
    if (!deps.home) home.destroy();
  }
}
