import { createHash } from 'node:crypto';
import { formatDeletionTotals } from './deletion-log';
import type { DeletionResult, GroupOutcome, OutcomeKind } from './deletion-plan';
import type { RegionSummary } from './deletion-progress';
import { KEEP_DAY_CHOICES, KEPT_REASON_TAG, MAX_KEEP_REASON } from './keep';
import type { AuditReport, ClassifiedGroup, ReportCoverage } from './model';
import { activitySettingText, lastActivitySortKey, lastActivityText, shortWindowText } from './activity-text';
import { summarizeRules } from './render-log';
import { auditKeys } from './s3-keys';
import { approverLine, type Approver } from './signin';

/**
 * The approval pages. No script at all: the only inline code is one fixed stylesheet, allowed
 * by its hash in the Content-Security-Policy. Every string that reaches a page goes through
 * `escapeHtml`, since group names and descriptions are written by anyone who can create a group.
 */

/** Longest reviewer note accepted ("why are these being deleted"). */
export const MAX_NOTE_LENGTH = 1000;

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:78rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.wrap{word-break:break-word}td.id{white-space:nowrap}
.meta td:first-child{font-weight:600;width:12rem}
.notice{padding:.75rem 1rem;border-left:4px solid #b00;background:#fff3f3}
.ok{border-left-color:#070;background:#f3fff3}
textarea{width:100%;min-height:4rem}
button{font-size:1rem;padding:.5rem 1rem;margin-top:1rem;background:#b00;color:#fff;border:0;cursor:pointer}
td.name{overflow-wrap:anywhere}
.count .static{display:none}.count::before{content:counter(del)}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
input.confirm{font-size:1rem;width:8rem}
fieldset{margin:1rem 0}input#keep_reason{width:100%}
`;

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

const csp = (hashes: readonly string[]) =>
  `default-src 'none'; style-src ${hashes.map((h) => `'sha256-${h}'`).join(' ')}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

/** Headers on every page the approval Lambda returns. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': csp([STYLE_HASH]),
  'Cache-Control': 'no-store',
  // Not no-referrer: with it, browsers send `Origin: null` on the form's POST, and the front
  // refuses any POST whose Origin is not its own. same-origin sends nothing to other sites.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex, nofollow',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Bidirectional marks, embeddings, overrides and isolates: they reorder how text reads. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escapes text for HTML element content and quoted attribute values, and shows bidirectional
 * controls as U+FFFD so a tag value or rule description cannot disguise what the reviewer reads.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
    .replace(BIDI_CONTROLS, '\ufffd');
}

/**
 * The review page's second stylesheet: a CSS counter starts at the number of candidates and
 * each ticked "keep" box takes one off, so the button shows how many groups would be deleted,
 * with no script. Its hash joins the page's CSP (reviewPageHeaders).
 */
export function counterStyle(candidates: number): string {
  return `form{counter-reset:del ${Math.max(0, Math.floor(candidates))}}input.keep:checked{counter-increment:del -1}`;
}

/** Headers for the review page: the fixed stylesheet and its counter stylesheet, by hash. */
export function reviewPageHeaders(candidates: number): Record<string, string> {
  const hash = createHash('sha256').update(counterStyle(candidates), 'utf8').digest('base64');
  return { ...PAGE_HEADERS, 'Content-Security-Policy': csp([STYLE_HASH, hash]) };
}

function layout(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">${head}<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

function table(headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const td = (value: unknown, cls = 'wrap') => `<td class="${cls}">${escapeHtml(value)}</td>`;

/** Label/value rows, without a header. */
function metaTable(rows: Array<[string, unknown]>): string {
  return `<table class="meta"><tbody>\n${rows.map(([k, v]) => `<tr>${td(k)}${td(v)}</tr>`).join('\n')}\n</tbody></table>`;
}

export interface ReviewPageInput {
  report: AuditReport;
  token: string;
  expiresAt: Date;
  /** The signed-in approver (signed-in approval only). */
  approver?: Approver;
  /** Two-person approval: the first approval, once recorded. */
  twoPerson?: { pending?: { approver: Approver; selection: readonly string[]; note?: string } };
  /**
   * Order of the candidates in each region (the page has no script: the column headers are links
   * that reload it sorted): by group id (default), or by last activity, oldest first ("activity")
   * or newest first ("-activity").
   */
  sort?: ReviewSort;
}

export type ReviewSort = 'id' | 'activity' | '-activity';

/** The `sort` query value, as the page's header links write it; anything else is the default. */
export function parseReviewSort(value: string | undefined): ReviewSort {
  return value === 'activity' || value === '-activity' ? value : 'id';
}

function sortCandidates(groups: ClassifiedGroup[], sort: ReviewSort): ClassifiedGroup[] {
  if (sort === 'id') return groups;
  const dir = sort === 'activity' ? 1 : -1;
  return [...groups].sort((a, b) => dir * lastActivitySortKey(a).localeCompare(lastActivitySortKey(b)) || a.groupId.localeCompare(b.groupId));
}

function sortLink(token: string, sort: ReviewSort, label: string, current: ReviewSort): string {
  const mark = sort === current ? ' (sorted)' : '';
  return `<a href="?t=${escapeHtml(encodeURIComponent(token))}&amp;sort=${escapeHtml(sort)}">${escapeHtml(label + mark)}</a>`;
}

/** A group name with break opportunities after separators, so long names wrap where they read well. */
function nameHtml(name: string): string {
  return escapeHtml(name).replace(/([-_./:])/g, '$1<wbr>');
}

/** Rows shown at most in the in-use list (the full list is in the audit's sg_log.txt). */
export const MAX_IN_USE_ROWS = 1000;

/** The most frequent first reason of a region's candidates: shown once, not on every row. */
function commonReason(groups: readonly ClassifiedGroup[]): string | undefined {
  const counts = new Map<string, number>();
  for (const g of groups) if (g.reasons[0]) counts.set(g.reasons[0], (counts.get(g.reasons[0]) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Sources not checked for a candidate: its own list when the audit recorded one, else the report's. */
function unverifiedBy(group: ClassifiedGroup, report: AuditReport): string[] {
  const own = (group as { unverifiedBy?: string[] }).unverifiedBy;
  return own ?? report.skippedSources;
}

function regionSection(report: AuditReport, region: AuditReport['regions'][number], token: string, sort: ReviewSort, preKept: ReadonlySet<string> = new Set()): string {
  const candidates = sortCandidates(region.groups.filter((g) => g.verdict === 'candidate'), sort);
  if (candidates.length === 0) return '';
  const common = commonReason(candidates);
  const regionSkipped = [...new Set(candidates.flatMap((g) => unverifiedBy(g, report)))];
  const rows = candidates.map((g) => {
    const id = escapeHtml(g.groupId);
    const extra = g.reasons.filter((r) => r !== common);
    const own = unverifiedBy(g, report);
    const unverified = own.length > 0 && own.join() !== regionSkipped.join() ? `<strong>unverified by: ${escapeHtml(own.join(', '))}</strong> ` : '';
    return `<tr><td><input class="keep" type="checkbox" name="keep" value="${id}" id="k-${id}"${preKept.has(g.groupId) ? ' checked' : ''}></td><td class="id"><label for="k-${id}">${id}</label></td><td class="name">${nameHtml(g.groupName)}</td>${td(g.vpcId ?? '-', 'id')}<td class="name">${nameHtml(g.description)}</td>${td(summarizeRules(g))}<td class="wrap">${escapeHtml(lastActivityText(g, report))}</td><td class="wrap">${unverified}${escapeHtml(extra.join('; ') || '-')}</td></tr>`;
  });
  const warn =
    regionSkipped.length > 0
      ? `<p class="notice"><strong>Unverified by: ${escapeHtml(regionSkipped.join(', '))}.</strong> These sources were excluded from the audit, so a use they would show was not looked for.</p>`
      : '';
  const short = shortWindowText(region);
  // Clicking the sorted column again reverses it.
  const activityTarget: ReviewSort = sort === 'activity' ? '-activity' : 'activity';
  const activityHead = sortLink(token, activityTarget, 'Last activity', sort === 'id' ? 'id' : activityTarget);
  return `<h3>${escapeHtml(region.region)}: ${candidates.length} candidates</h3>
${warn}${short ? `<p class="notice">${escapeHtml(short)}</p>` : ''}<p>Why they are unused: ${escapeHtml(common ?? '-')}</p>
<table><thead><tr><th>Keep</th><th>${sortLink(token, 'id', 'Group id', sort)}</th><th>Name</th><th>VPC</th><th>Description</th><th>Rules</th><th>${activityHead}</th><th>Also</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

/**
 * The places no source reads, counted, with the list linked (an https URL) or named (a path in
 * the repository's docs): "not seen" is not "not used".
 */
function notScannedHtml(coverage: ReportCoverage): string {
  const list = /^https:\/\/\S+$/.test(coverage.listUrl)
    ? `<a href="${escapeHtml(coverage.listUrl)}">the list of places not scanned</a>`
    : `the list of places not scanned in sg-auditor's <code>${escapeHtml(coverage.listUrl)}</code>`;
  const places = coverage.notScanned === 1 ? 'place' : 'places';
  return `<p class="notice"><strong>${escapeHtml(coverage.notScanned)} ${places} that can hold a security group ${coverage.notScanned === 1 ? 'is' : 'are'} not scanned:</strong> a group used only there looks unused. See ${list} (${escapeHtml(coverage.scanned)} scanned, ${escapeHtml(coverage.interfaces)} through network interfaces).</p>`;
}

/** The sources each region checked, excluded and failed (with the reason), collapsed. */
function sourcesCheckedDetails(report: AuditReport): string {
  const lines = report.regions.map((r) => {
    if (r.status === 'failed') return `<p><strong>${escapeHtml(r.region)}</strong>: region not audited (${escapeHtml(r.error?.code ?? 'error')}: ${escapeHtml(r.error?.message ?? '')})</p>`;
    const by = (status: string) => r.scans.filter((s) => s.status === status);
    const failed = by('failed').map((s) => `<li>${escapeHtml(s.source)}: ${escapeHtml(s.error?.code ?? 'error')}: ${escapeHtml(s.error?.message ?? '')}</li>`);
    return `<p><strong>${escapeHtml(r.region)}</strong>: checked ${by('ok').length}: ${escapeHtml(by('ok').map((s) => s.source).join(', ') || 'none')}; excluded: ${escapeHtml(by('skipped').map((s) => s.source).join(', ') || 'none')}; failed: ${failed.length === 0 ? 'none' : failed.length}</p>${failed.length > 0 ? `<ul>${failed.join('')}</ul>` : ''}`;
  });
  return `<details><summary>Sources checked, excluded and failed, per region</summary>
${lines.join('\n')}
</details>`;
}

/**
 * One choice for every group ticked Keep, however many there are (two short fields, so the post
 * stays compact at 10,000 candidates): keep them this time only, or tag them kept for N days with a
 * reason, so the next audits classify them protected until then instead of asking again.
 */
function keepFieldset(): string {
  const options = KEEP_DAY_CHOICES.map((d) => `<option value="${d}"${d === 0 ? ' selected' : ''}>${d === 0 ? 'this time only (ask again next audit)' : `for ${d} days`}</option>`).join('');
  return `<fieldset><legend>Groups you tick Keep</legend>
<p><label for="keep_days">Keep them</label> <select id="keep_days" name="keep_days">${options}</select></p>
<p><label for="keep_reason">Because (required when keeping for a number of days; tagged on each kept group as ${escapeHtml(KEPT_REASON_TAG)}, up to ${MAX_KEEP_REASON} characters)</label><br>
<input id="keep_reason" name="keep_reason" maxlength="${MAX_KEEP_REASON}" autocomplete="off"></p>
</fieldset>`;
}

/** Rows shown at most in each of the protected and unknown tables (all of them are in report.json). */
export const MAX_KEPT_ROWS = 200;

/**
 * A read-only table of protected or unknown groups, capped at MAX_KEPT_ROWS rows so an account
 * with tens of thousands of them still gets a page within the 6 MB response: the heading gives
 * the count, and a capped table says where the full list is.
 */
function keptSection(title: string, groups: readonly ClassifiedGroup[], reportKey: string): string {
  const heading = `<h3>${escapeHtml(title)}: ${groups.length}</h3>`;
  if (groups.length === 0) return `${heading}\n<p>None.</p>`;
  const rows = groups.slice(0, MAX_KEPT_ROWS).map((g) => [td(g.groupId, 'id'), `<td class="name">${nameHtml(g.groupName)}</td>`, td(g.region, 'id'), td(g.reasons.join('; '))]);
  const more =
    groups.length > MAX_KEPT_ROWS
      ? `<p class="notice">Showing the first ${MAX_KEPT_ROWS} of ${groups.length}; the other ${groups.length - MAX_KEPT_ROWS} are in the audit's report in the artifact bucket: <code>${escapeHtml(reportKey)}</code> (and sg_log.txt beside it).</p>`
      : '';
  return `${heading}\n${table(['Group id', 'Name', 'Region', 'Reason'], rows)}${more}`;
}

/**
 * The review page (GET): candidates grouped by region, each with a "keep" box (the form posts
 * only the kept ids: every other candidate is deleted), and a typed confirmation of how many.
 * Sized for 10,000 candidates in one region within the function URL's 6 MB response.
 */
export function renderReviewPage({ report, token, expiresAt, sort = 'id', approver, twoPerson }: ReviewPageInput): string {
  const groups = report.regions.flatMap((r) => r.groups);
  const candidates = groups.filter((g) => g.verdict === 'candidate');
  const protectedGroups = groups.filter((g) => g.verdict === 'protected');
  const unknown = groups.filter((g) => g.verdict === 'unknown');
  const inUse = groups.filter((g) => g.verdict === 'in-use');
  const meta = metaTable([
    ['Account', report.accountId],
    ['Audit', report.auditId],
    ['Audit finished', report.finishedAt],
    ['Link expires', expiresAt.toISOString()],
    ['Excluded sources', report.skippedSources.length > 0 ? report.skippedSources.join(', ') : 'none'],
    ['Recent activity', activitySettingText(report)],
    ...(approver ? ([['Approving as', approverLine(approver)]] as Array<[string, unknown]>) : []),
  ]);
  const notScanned = report.coverage ? notScannedHtml(report.coverage) : '';
  const pending = twoPerson?.pending;
  const approvedFirst = new Set(pending?.selection ?? []);
  // The second approver starts from the first approver's selection: what it did not approve is ticked Keep.
  const preKept = new Set(pending ? candidates.filter((g) => !approvedFirst.has(g.groupId)).map((g) => g.groupId) : []);
  const twoPersonNotice = !twoPerson
    ? ''
    : pending
      ? `<p class="notice"><strong>Pending: first approval by ${escapeHtml(approverLine(pending.approver))}</strong>, ${pending.selection.length} groups${pending.note ? ` (note: ${escapeHtml(pending.note)})` : ''}. Nothing is deleted until a second, different approver confirms the same groups or fewer (the groups it did not approve are ticked Keep below).</p>\n`
      : '<p class="notice">Two approvals are needed: your confirmation records the first, and the deletion starts only when a second, different approver confirms the same groups or fewer before the link expires.</p>\n';
  const regionRows = report.regions.map((r) => {
    const failed = r.status === 'failed' ? `region not audited (${r.error?.code ?? 'error'})` : r.scans.filter((s) => s.status === 'failed').map((s) => s.source).join(', ');
    return [td(r.region), td(r.totals.groups), td(r.totals.inUse), td(r.totals.candidates), td(r.totals.protected), td(r.totals.unknown), td(failed || '-')];
  });
  const regions = table(['Region', 'Groups', 'In use', 'Candidates', 'Protected', 'Unknown', 'Failed sources'], regionRows);

  const form =
    candidates.length === 0
      ? '<p class="notice ok">No candidates: nothing to delete.</p>'
      : `<form method="post" action="/">
<input type="hidden" name="t" value="${escapeHtml(token)}">
<p>Every candidate is deleted unless you tick <strong>Keep</strong>. Only groups that a fresh check just before
deleting still finds unused are deleted; each region's groups and rules are backed up first, and deleted groups
can be recreated from that backup (with new ids).</p>
${twoPersonNotice}${report.regions.map((r) => regionSection(report, r, token, sort, preKept)).join('\n')}
${keepFieldset()}
<p><label for="note">Why are these being deleted? (optional, recorded in the trail)</label><br>
<textarea id="note" name="note" maxlength="${MAX_NOTE_LENGTH}"></textarea></p>
<p><label for="confirm">To confirm, type the number of groups to delete (<span class="count"><span class="static">${candidates.length}</span></span> with your keeps):</label>
<input class="confirm" id="confirm" name="confirm" inputmode="numeric" pattern="[0-9]+" autocomplete="off" required></p>
<button type="submit">Delete <span class="count"><span class="static">${candidates.length}</span></span> groups</button>
</form>`;
  const reportKey = auditKeys(report.accountId, report.auditId).report;
  const inUseRows = inUse.slice(0, MAX_IN_USE_ROWS).map((g) => [
    td(g.groupId, 'id'),
    `<td class="name">${nameHtml(g.groupName)}</td>`,
    td(g.region, 'id'),
    td(g.reasons[0] ?? '-'),
  ]);
  const more = inUse.length > MAX_IN_USE_ROWS ? `<p>and ${inUse.length - MAX_IN_USE_ROWS} more: see sg_log.txt of the audit.</p>` : '';
  const body = `${meta}
${notScanned}
<h2>Per region</h2>
${regions}
${sourcesCheckedDetails(report)}
<h2>Candidates: ${candidates.length} unused groups</h2>
${form}
<h2>Kept: protected and unknown groups (not deletable here)</h2>
${keptSection('Protected', protectedGroups, reportKey)}
${keptSection('Unknown (a check failed, so they could not be cleared)', unknown, reportKey)}
<details><summary>In use: ${inUse.length} groups (not deletable)</summary>
${inUse.length === 0 ? '<p>None.</p>' : table(['Group id', 'Name', 'Region', 'Evidence'], inUseRows)}${more}
</details>`;
  return layout(`Review unused security groups in account ${report.accountId}`, body, `<style>${counterStyle(candidates.length)}</style>`);
}

export interface ProgressPageInput {
  accountId: string;
  auditId: string;
  lock?: { takenAt: string; selection: readonly string[]; approvers?: readonly Approver[] };
  started?: { startedAt: string; regions: readonly string[]; selected: number };
  summaries: readonly RegionSummary[];
  result?: DeletionResult;
  executionStatus?: string;
  /** Set when the approval was recorded but the workflow never started: the link's token, for the start-it form. */
  notStartedToken?: string;
}

/** Rows of outcomes shown at most on the result page (the trail has all of them). */
export const MAX_RESULT_ROWS = 500;

/** A used link's page: the deletion's progress (refreshing itself) or its result. */
export function renderProgressPage(input: ProgressPageInput): string {
  const trail = `deletions/${input.accountId}/${input.auditId}/`;
  if (input.result) return renderResultPage(input.result, [], trail);
  const stopped = input.executionStatus !== undefined && input.executionStatus !== 'RUNNING' && input.executionStatus !== 'SUCCEEDED';
  const rows = input.summaries.map((s) => [td(s.region), td(s.planned), td(s.deleted), td(s.skipped), td(s.failed), td(s.done ? 'done' : `batch ${s.batches}`)]);
  const status = input.notStartedToken !== undefined
    ? `<p class="notice">The approved deletion did not start: starting the workflow failed after the approval was recorded. Nothing has been deleted.</p>
<form method="post" action="/"><input type="hidden" name="t" value="${escapeHtml(input.notStartedToken)}"><input type="hidden" name="resume" value="1">
<p>Start it now: it deletes the ${input.lock?.selection.length ?? 0} groups approved at ${escapeHtml(input.lock?.takenAt ?? '-')}, after the same re-check. <button type="submit">Start the approved deletion</button></p></form>`
    : stopped
      ? `<p class="notice">The deletion stopped (${escapeHtml(input.executionStatus)}). An ABORTED trail and email follow; this page shows them once written.</p>`
      : '<p class="notice ok">The deletion is running. This page refreshes itself every 10 seconds; the result is also emailed.</p>';
  const body = `${status}
${metaTable([
  ['Account', input.accountId],
  ['Audit', input.auditId],
  ['Approved at', input.lock?.takenAt ?? '-'],
  ...(input.lock?.approvers?.length ? ([['Approved by', input.lock.approvers.map(approverLine).join('; ')]] as Array<[string, unknown]>) : []),
  ['Groups to delete', input.lock?.selection.length ?? '-'],
  ['Started', input.started?.startedAt ?? 'not yet'],
  ['Trail', trail],
])}
<h2>Per region</h2>
${rows.length === 0 ? '<p>No region has started deleting yet (each is re-audited and backed up first).</p>' : table(['Region', 'Planned', 'Deleted', 'Skipped', 'Failed', 'State'], rows)}
<p>This link is used and cannot delete anything else.</p>`;
  return layout('Deletion in progress', body, '<meta http-equiv="refresh" content="10">');
}

const SECTION_TITLES: Array<[OutcomeKind, string]> = [
  ['deleted', 'Deleted'],
  ['already-deleted', 'Already deleted (gone before the deletion reached them)'],
  ['failed', 'Failed'],
  ['skipped', 'Skipped (no longer safe to delete)'],
  ['kept-by-reviewer', 'Kept by reviewer'],
];

/** The result page: totals, each region's pre-delete backup, and the outcomes (bounded). */
export function renderResultPage(result: DeletionResult, warnings: readonly string[] = [], trail = ''): string {
  const sections = SECTION_TITLES.map(([kind, title]) => {
    const all = result.outcomes.filter((o: GroupOutcome) => o.outcome === kind);
    const rows = all.slice(0, MAX_RESULT_ROWS).map((o) => [td(o.groupId, 'id'), `<td class="name">${nameHtml(o.groupName)}</td>`, td(o.region, 'id'), td(o.reason)]);
    const more = all.length > MAX_RESULT_ROWS ? `<p>and ${all.length - MAX_RESULT_ROWS} more in deletion_log.txt.</p>` : '';
    return `<h2>${escapeHtml(title)}: ${all.length}</h2>\n${rows.length === 0 ? '<p>None.</p>' : table(['Group id', 'Name', 'Region', 'Reason'], rows)}${more}`;
  }).join('\n');
  const aborted = result.status === 'aborted';
  const refused = result.status === 'refused';
  const cls = aborted || refused || result.totals.failed > 0 || warnings.length > 0 ? 'notice' : 'notice ok';
  const warn = warnings.map((w) => `<p class="notice">${escapeHtml(w)}</p>`).join('\n');
  const headline = refused
    ? `REFUSED: ${result.refuseReason ?? 'the approval could not be authenticated'}. Nothing was deleted`
    : aborted
      ? `ABORTED: ${result.abortReason ?? 'the deletion stopped'}. ${formatDeletionTotals(result)}`
      : formatDeletionTotals(result);
  const backups = Object.entries(result.preDeleteBackups ?? {}).map(([region, key]) => `${region}: ${key}`);
  const body = `<p class="${cls}">${escapeHtml(headline)}. This link is now used and cannot delete anything else.</p>
${warn}
${metaTable([
  ['Account', result.accountId],
  ['Audit', result.auditId],
  ['Finished', result.finishedAt],
  ['Pre-delete backups', backups.join('; ') || 'none'],
  ['Rules revoked', String((result.revocations ?? []).length)],
  ...(trail ? ([['Trail', trail]] as Array<[string, unknown]>) : []),
])}
${sections}`;
  return layout(refused ? 'Deletion REFUSED' : aborted ? 'Deletion ABORTED' : 'Deletion result', body);
}

/** The body of a 303 See Other: browsers follow the Location header; this is for anything that does not. */
export function renderRedirectPage(location: string, title = 'Approved'): string {
  return layout(title, `<p class="notice ok"><a href="${escapeHtml(location)}">Continue</a>.</p>`);
}

/** An error page: what went wrong in words, never internals. */
export function renderErrorPage(title: string, message: string, options: { requestId?: string; nothingChanged?: boolean } = {}): string {
  const id = options.requestId ? `<p>Request id: <code>${escapeHtml(options.requestId)}</code></p>` : '';
  const changed = options.nothingChanged === false ? '' : '<p>Nothing was changed.</p>';
  return layout(title, `<p class="notice">${escapeHtml(message)}</p>\n${id}\n${changed}`);
}
