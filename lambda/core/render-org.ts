import { notScannedNotice } from './coverage';
import type { ReportCoverage } from './model';
import type { OrgAccountResult, OrgSummary } from './org';
import { cleanText, EMAIL_BODY_LIMIT_BYTES, type Email } from './render-email';

/** The org summary as text: the table (summary.txt, the CLI) and the digest email. Pure. */

const isoSeconds = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Account names come from Organizations and are written by whoever created the account. */
const nameOf = (r: OrgAccountResult) => (r.name ? cleanText(r.name, 40) : '-');

function failureText(r: OrgAccountResult): string {
  const codes = [...new Set(r.failedRegions.map((f) => f.code))].map((c) => cleanText(c, 40));
  return codes.join(',');
}

/** Accounts as rows (status, regions, verdict counts, API calls), then the totals and every failure's reason. */
export function renderOrgTable(summary: OrgSummary): string {
  const header = ['account', 'name', 'status', 'regions', 'groups', 'in-use', 'candidates', 'protected', 'unknown', 'failed', 'API calls'];
  const rows = summary.results.map((r) => [
    r.accountId,
    nameOf(r),
    r.status,
    String(r.regions),
    String(r.totals.groups),
    String(r.totals.inUse),
    String(r.totals.candidates),
    String(r.totals.protected),
    String(r.totals.unknown),
    r.failedRegions.length > 0 ? `${r.failedRegions.length} (${failureText(r)})` : '-',
    String(r.apiCalls),
  ]);
  const t = summary.totals;
  rows.push(['TOTAL', '', '', '', String(t.groups), String(t.inUse), String(t.candidates), String(t.protected), String(t.unknown), '', String(summary.apiCalls)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const fmt = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const a = summary.accounts;
  const out = [
    `Organization audit ${summary.auditId}, ${isoSeconds(summary.startedAt)} to ${isoSeconds(summary.finishedAt)}`,
    `Accounts: ${a.total} (audited ${a.audited}, partly audited ${a.partial}, failed ${a.failed}); ` +
      `groups ${t.groups}, candidates ${t.candidates}, unknown ${t.unknown}; API calls ${summary.apiCalls}`,
    '',
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
  ];
  const failures = summary.results.flatMap((r) => r.failedRegions.map((f) => ({ r, f })));
  if (failures.length > 0) {
    out.push('', 'FAILED (not audited; nothing there is a candidate):');
    for (const { r, f } of failures) out.push(`  ${r.accountId} ${f.region}: ${cleanText(f.code, 60)}: ${cleanText(f.message, 300)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The digest subject: candidates and failures across the organization. */
function digestSubject(summary: OrgSummary, dryRun: boolean): string {
  const prefix = `[sg-auditor] ${dryRun ? 'DRY RUN ' : ''}organization:`;
  const withCandidates = summary.results.filter((r) => r.totals.candidates > 0).length;
  const parts = [
    summary.totals.candidates > 0
      ? `${plural(summary.totals.candidates, 'unused security group')} in ${plural(withCandidates, 'account')}`
      : `no unused security groups confirmed in ${plural(summary.accounts.total, 'account')}`,
  ];
  if (summary.accounts.failed > 0) parts.push(`${plural(summary.accounts.failed, 'account')} failed`);
  if (summary.totals.unknown > 0) parts.push(`${summary.totals.unknown} unknown`);
  return `${prefix} ${parts.join(', ')}`;
}

/**
 * One email for the whole organization: every account's counts and its own approval link
 * (a link approves deletions in that account only), and the places not scanned when given. Kept
 * under the SNS size limit: accounts past the budget are counted and left to summary.txt.
 */
export function renderOrgDigest(
  summary: OrgSummary,
  input: { bucket: string; tableKey: string; dryRun: boolean; coverage?: ReportCoverage; /** account id -> its approval link, re-made for this email only. */ links?: ReadonlyMap<string, string> },
): Email {
  const a = summary.accounts;
  const t = summary.totals;
  const head = [
    `sg-auditor audited ${plural(a.total, 'AWS account')} of the organization: ${a.audited} fully, ${a.partial} partly, ${a.failed} failed.`,
    `Security groups: ${t.groups}; unused (candidates): ${t.candidates}; in use: ${t.inUse}; protected: ${t.protected}; unknown (kept): ${t.unknown}.`,
    `Audit ${summary.auditId}, ${isoSeconds(summary.startedAt)} to ${isoSeconds(summary.finishedAt)}, ${summary.apiCalls} API calls.`,
    input.dryRun
      ? 'DRY RUN: no approval links were made, so nothing can be deleted from this email.'
      : 'Each link below approves deletions in its own account only; nothing is deleted until a person approves there.',
    ...(input.coverage ? [`Places not scanned: ${cleanText(notScannedNotice(input.coverage), 500)}.`] : []),
    '',
    'PER ACCOUNT',
  ];
  const tail = ['', `Full table: s3://${cleanText(input.bucket, 63)}/${input.tableKey}`];
  const budget = EMAIL_BODY_LIMIT_BYTES - Buffer.byteLength([...head, ...tail].join('\n'), 'utf8') - 200;
  const body: string[] = [];
  let used = 0;
  let shown = 0;
  // Accounts with something to act on first, then failures, then the clean ones.
  const rank = (r: OrgAccountResult) => (r.totals.candidates > 0 ? 0 : r.status !== 'audited' ? 1 : 2);
  const ordered = [...summary.results].sort((x, y) => rank(x) - rank(y) || x.accountId.localeCompare(y.accountId));
  for (const r of ordered) {
    const lines = [
      `- ${r.accountId} ${nameOf(r)}: ${r.status}; ${r.totals.candidates} candidates, ${r.totals.inUse} in use, ` +
        `${r.totals.protected} protected, ${r.totals.unknown} unknown in ${plural(r.regions, 'region')}`,
      ...r.failedRegions.slice(0, 5).map((f) => `    failed ${f.region}: ${cleanText(f.code, 60)}: ${cleanText(f.message, 200)}`),
      ...(r.failedRegions.length > 5 ? [`    and ${r.failedRegions.length - 5} more failed regions`] : []),
      ...(r.link && input.links?.get(r.accountId) ? [`    review (until ${isoSeconds(r.link.expiresAt)}): ${input.links.get(r.accountId)}`] : []),
    ];
    const size = Buffer.byteLength(lines.join('\n'), 'utf8') + 1;
    if (used + size > budget) break;
    body.push(...lines);
    used += size;
    shown += 1;
  }
  if (shown < ordered.length) body.push(`  and ${ordered.length - shown} more accounts in the full table`);
  return { subject: digestSubject(summary, input.dryRun), body: `${[...head, ...body, ...tail].join('\n')}\n` };
}
