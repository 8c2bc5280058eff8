import { createHash } from 'node:crypto';
import { formatDeletionTotals } from './deletion-log';
import type { DeletionResult, GroupOutcome, OutcomeKind } from './deletion-plan';
import type { AuditReport } from './model';
import { summarizeRules } from './render-log';

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
form{counter-reset:selected}
input.pick:checked{counter-increment:selected}
.count .static{display:none}.count::before{content:counter(selected)}
`;

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** Headers on every page the approval Lambda returns. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
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

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
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
}

/** The review page (GET): what the audit found and a form to delete the ticked candidates. */
export function renderReviewPage({ report, token, expiresAt }: ReviewPageInput): string {
  const groups = report.regions.flatMap((r) => r.groups);
  const candidates = groups.filter((g) => g.verdict === 'candidate');
  const kept = groups.filter((g) => g.verdict === 'protected' || g.verdict === 'unknown');
  const meta = metaTable([
    ['Account', report.accountId],
    ['Audit', report.auditId],
    ['Audit finished', report.finishedAt],
    ['Link expires', expiresAt.toISOString()],
    ['Excluded sources', report.skippedSources.length > 0 ? report.skippedSources.join(', ') : 'none'],
  ]);
  const regionRows = report.regions.map((r) => {
    const failed = r.status === 'failed' ? `region not audited (${r.error?.code ?? 'error'})` : r.scans.filter((s) => s.status === 'failed').map((s) => s.source).join(', ');
    return [td(r.region), td(r.totals.groups), td(r.totals.inUse), td(r.totals.candidates), td(r.totals.protected), td(r.totals.unknown), td(failed || '-')];
  });
  const regions = table(['Region', 'Groups', 'In use', 'Candidates', 'Protected', 'Unknown', 'Failed sources'], regionRows);

  const candidateRows = candidates.map((g) => [
    `<td><input class="pick" type="checkbox" name="group" value="${escapeHtml(g.groupId)}" id="g-${escapeHtml(g.groupId)}" checked></td>`,
    `<td class="id"><label for="g-${escapeHtml(g.groupId)}">${escapeHtml(g.groupId)}</label></td>`,
    td(g.groupName),
    td(g.vpcId ?? '-', 'id'),
    td(g.region, 'id'),
    td(g.description),
    td(summarizeRules(g)),
    td(g.reasons.join('; ')),
  ]);
  const form =
    candidates.length === 0
      ? '<p class="notice ok">No candidates: nothing to delete.</p>'
      : `<form method="post" action="/">
<input type="hidden" name="t" value="${escapeHtml(token)}">
${table(['Delete', 'Group id', 'Name', 'VPC', 'Region', 'Description', 'Rules', 'Why it is unused'], candidateRows)}
<p>Untick any group you want to keep. Only ticked groups are deleted, and only if a fresh check just before
deleting still finds them unused. Deleted groups can be recreated from the audit's backup.json (with new ids).</p>
<p><label for="note">Why are these being deleted? (optional, recorded in the trail)</label><br>
<textarea id="note" name="note" maxlength="${MAX_NOTE_LENGTH}"></textarea></p>
<button type="submit">Delete <span class="count"><span class="static">${candidates.length}</span></span> selected groups</button>
</form>`;
  const keptRows = kept.map((g) => [td(g.groupId), td(g.groupName), td(g.region), td(g.verdict), td(g.reasons.join('; '))]);
  const keptSection =
    kept.length === 0 ? '<p>None.</p>' : table(['Group id', 'Name', 'Region', 'Verdict', 'Reason'], keptRows);
  const body = `${meta}
<h2>Per region</h2>
${regions}
<h2>Candidates: ${candidates.length} unused groups</h2>
${form}
<h2>Kept: protected and unknown groups (not deletable here)</h2>
${keptSection}
<p>${groups.length - candidates.length - kept.length} groups in use are not listed; see sg_log.txt of the audit.</p>`;
  return layout(`Review unused security groups in account ${report.accountId}`, body);
}

const SECTION_TITLES: Array<[OutcomeKind, string]> = [
  ['deleted', 'Deleted'],
  ['failed', 'Failed'],
  ['skipped', 'Skipped (no longer safe to delete)'],
  ['kept-by-reviewer', 'Kept by reviewer'],
];

/** The result page (POST): every group's outcome and reason. */
export function renderResultPage(result: DeletionResult, warnings: readonly string[] = []): string {
  const sections = SECTION_TITLES.map(([kind, title]) => {
    const rows = result.outcomes
      .filter((o: GroupOutcome) => o.outcome === kind)
      .map((o) => [td(o.groupId), td(o.groupName), td(o.region), td(o.reason)]);
    return `<h2>${escapeHtml(title)}: ${rows.length}</h2>\n${rows.length === 0 ? '<p>None.</p>' : table(['Group id', 'Name', 'Region', 'Reason'], rows)}`;
  }).join('\n');
  const cls = result.totals.failed > 0 || warnings.length > 0 ? 'notice' : 'notice ok';
  const warn = warnings.map((w) => `<p class="notice">${escapeHtml(w)}</p>`).join('\n');
  const body = `<p class="${cls}">${escapeHtml(formatDeletionTotals(result))}. This link is now used and cannot delete anything else.</p>
${warn}
${metaTable([
  ['Account', result.accountId],
  ['Audit', result.auditId],
  ['Finished', result.finishedAt],
])}
${sections}`;
  return layout('Deletion result', body);
}

/** An error page: what went wrong in words, never internals. */
export function renderErrorPage(title: string, message: string, options: { requestId?: string; nothingChanged?: boolean } = {}): string {
  const id = options.requestId ? `<p>Request id: <code>${escapeHtml(options.requestId)}</code></p>` : '';
  const changed = options.nothingChanged === false ? '' : '<p>Nothing was changed.</p>';
  return layout(title, `<p class="notice">${escapeHtml(message)}</p>\n${id}\n${changed}`);
}
