import { createHash } from 'node:crypto';
import type { ApprovalStore, LockRecord } from '../aws/approval-store';
import { candidatesOf, checkSelection, type DeletionResult } from '../core/deletion-plan';
import type { RegionSummary } from '../core/deletion-progress';
import { parseKeepChoice } from '../core/keep';
import type { AuditReport } from '../core/model';
import { MAX_NOTE_LENGTH, PAGE_HEADERS, renderErrorPage, renderProgressPage, renderReviewPage, reviewPageHeaders } from '../core/render-page';
import type { DeletionStarter, LogSink, StartedRecord } from '../core/deletion-contract';
import { selectionSha256 } from '../core/approval-auth';
import { verifyToken, type MacProvider, type TokenPayload, type TokenRejection } from '../core/token';

/**
 * The approval flow, independent of Lambda: GET renders the review page and changes nothing;
 * POST verifies again, validates the selection, takes the single-use lock, then deletes.
 */

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApprovalRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The decoded application/x-www-form-urlencoded body of a POST. */
  form?: URLSearchParams;
  sourceIp?: string;
  userAgent?: string;
  requestId: string;
}

/** What the progress page reads: the trail the workflow writes, and the execution's status. */
export interface ProgressReader {
  started(accountId: string, auditId: string): Promise<StartedRecord | undefined>;
  summaries(accountId: string, auditId: string, regions: readonly string[]): Promise<RegionSummary[]>;
  result(accountId: string, auditId: string): Promise<DeletionResult | undefined>;
}

export interface ApproveDeps extends DeletionStarter {
  store: ApprovalStore;
  progress: ProgressReader;
  mac: MacProvider;
  /** The account this Lambda runs in (a link for another account is refused, unless `organization`). */
  accountId(): Promise<string>;
  /** Organization mode: links of member accounts are accepted too (the deletion assumes their member role). */
  organization?: boolean;
  now(): Date;
  logger: LogSink;
}

type LinkProblem = TokenRejection | 'report-missing' | 'report-changed' | 'used';

const PROBLEMS: Record<LinkProblem, { status: number; title: string; message?: string }> = {
  malformed: { status: 400, title: 'Malformed link' },
  'bad-signature': { status: 403, title: 'Altered link' },
  expired: { status: 410, title: 'Expired link' },
  'wrong-version': { status: 400, title: 'Link from another version' },
  'wrong-account': { status: 403, title: 'Link for another account' },
  'expiry-too-far': { status: 403, title: 'Link not accepted' },
  'report-missing': {
    status: 404,
    title: 'Audit report not found',
    message: 'The audit report this link refers to no longer exists. Run a new audit to get a fresh link.',
  },
  'report-changed': {
    status: 409,
    title: 'Audit report changed',
    message: 'The audit report was modified after this link was signed, so the link cannot be trusted. Run a new audit.',
  },
  used: {
    status: 409,
    title: 'Link already used',
    message: 'This approval link was already used: each link deletes once. Open the link (GET) to follow the deletion and see its result; run a new audit to review again.',
  },
};

/** An HTML page response with every security header. */
export function page(statusCode: number, body: string, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...PAGE_HEADERS, ...extraHeaders }, body };
}

export function errorPage(statusCode: number, title: string, message: string, requestId?: string, nothingChanged = true): HttpResponse {
  return page(statusCode, renderErrorPage(title, message, { ...(requestId ? { requestId } : {}), nothingChanged }));
}

function problemPage(problem: LinkProblem, message?: string): HttpResponse {
  const p = PROBLEMS[problem];
  return errorPage(p.status, p.title, message ?? p.message ?? p.title);
}

type LinkCheck =
  | { ok: true; payload: TokenPayload; report: AuditReport; used: false }
  | { ok: true; payload: TokenPayload; used: true }
  | { ok: false; response: HttpResponse; problem: LinkProblem };

/** Token (KMS MAC, version, account, expiry), then the lock, then the report's hash. */
async function checkLink(token: string | undefined, deps: ApproveDeps): Promise<LinkCheck> {
  const verdict = await verifyToken(token, deps.mac, { accountId: await deps.accountId(), now: deps.now(), memberAccounts: deps.organization === true });
  if (!verdict.ok) return { ok: false, problem: verdict.reason, response: problemPage(verdict.reason, verdict.message) };
  const { payload } = verdict;
  if (await deps.store.isUsed(payload.accountId, payload.auditId)) return { ok: true, payload, used: true };
  const bytes = await deps.store.readReport(payload.accountId, payload.auditId);
  if (!bytes) return { ok: false, problem: 'report-missing', response: problemPage('report-missing') };
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== payload.reportSha256) return { ok: false, problem: 'report-changed', response: problemPage('report-changed') };
  const report = JSON.parse(bytes.toString('utf8')) as AuditReport;
  if (report.auditId !== payload.auditId || report.accountId !== payload.accountId || !Array.isArray(report.regions)) {
    return { ok: false, problem: 'report-changed', response: problemPage('report-changed') };
  }
  return { ok: true, payload, report, used: false };
}

/** The one `t` query parameter; none or several make the link malformed. */
function singleToken(params: URLSearchParams): string | undefined {
  const all = params.getAll('t');
  return all.length === 1 ? all[0] : undefined;
}

/** How long after the lock a missing execution counts as "did not start" (the POST that took it may still be starting it). */
export const START_GRACE_MS = 60_000;

/**
 * Approved, but the workflow never started (StartExecution failed after the lock was taken): a
 * lock older than the grace period, and no started trail, no result and no execution.
 */
function neverStarted(
  state: { lock: LockRecord | undefined; result: unknown; started: unknown; status: string | undefined },
  now: Date,
): state is { lock: LockRecord; result: undefined; started: undefined; status: undefined } {
  const { lock, result, started, status } = state;
  return lock !== undefined && !result && !started && status === undefined && now.getTime() - Date.parse(lock.takenAt) > START_GRACE_MS;
}

/** A used link's page: progress while the workflow runs, then the result, read from S3. */
async function progressPage(payload: TokenPayload, deps: ApproveDeps, token?: string): Promise<HttpResponse> {
  const ids = { accountId: payload.accountId, auditId: payload.auditId };
  const [lock, result] = await Promise.all([deps.store.readLock(payload.accountId, payload.auditId), deps.progress.result(ids.accountId, ids.auditId)]);
  const started = result ? undefined : await deps.progress.started(ids.accountId, ids.auditId);
  const regions = started?.regions ?? [];
  const [summaries, status] = result ? [[], undefined] : await Promise.all([deps.progress.summaries(ids.accountId, ids.auditId, regions), deps.executionStatus(ids)]);
  // Offer to start a deletion that never started, so the approval is not lost and nothing half-runs unseen.
  const notStarted = token !== undefined && neverStarted({ lock, result, started, status }, deps.now());
  return page(
    200,
    renderProgressPage({
      ...ids,
      ...(lock ? { lock } : {}),
      ...(started ? { started } : {}),
      summaries,
      ...(result ? { result } : {}),
      ...(status ? { executionStatus: status } : {}),
      ...(notStarted ? { notStartedToken: token } : {}),
    }),
  );
}

/**
 * POST resume=1 on a used link: starts the approved deletion only when it never started (the
 * lock exists, no started trail, no result, no execution). The execution is named by the audit
 * id with the same input, so two resumes, or a resume racing the first start, start one execution.
 * The workflow deletes what the lock records, after its own re-check.
 */
async function resumeDeletion(payload: TokenPayload, request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  const ids = { accountId: payload.accountId, auditId: payload.auditId };
  const [lock, result, started, status] = await Promise.all([
    deps.store.readLock(ids.accountId, ids.auditId),
    deps.progress.result(ids.accountId, ids.auditId),
    deps.progress.started(ids.accountId, ids.auditId),
    deps.executionStatus(ids),
  ]);
  const state = { lock, result, started, status };
  if (!neverStarted(state, deps.now())) {
    deps.logger.warn('approval link reused', { auditId: ids.auditId, resume: true, sourceIp: request.sourceIp });
    return problemPage('used');
  }
  deps.logger.warn('approved deletion had not started; starting it from the lock', { auditId: ids.auditId, takenAt: state.lock.takenAt, sourceIp: request.sourceIp });
  await deps.startDeletion({ ...ids, ...(typeof state.lock.selectionSha256 === 'string' ? { selectionSha256: state.lock.selectionSha256 } : {}) });
  deps.logger.info('deletion workflow started', { auditId: ids.auditId, resumed: true });
  return progressPage(payload, deps);
}

/** GET: the review page, or the progress of a used link. Nothing changes. */
export async function reviewLink(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  const token = singleToken(request.query);
  const link = await checkLink(token, deps);
  if (!link.ok) {
    deps.logger.info('approval link refused', { problem: link.problem, method: 'GET', sourceIp: request.sourceIp });
    return link.response;
  }
  if (link.used) return progressPage(link.payload, deps, token);
  const html = renderReviewPage({ report: link.report, token: token as string, expiresAt: new Date(link.payload.exp * 1000) });
  return { statusCode: 200, headers: reviewPageHeaders(candidatesOf(link.report).length), body: html };
}

function shortList(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).map((id) => (id.length > 64 ? `${id.slice(0, 64)}...` : id));
  return `${shown.join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

/**
 * POST: verify again; the form names only the candidates the reviewer keeps ("all candidates
 * except these"), and the typed count must equal what is left. Then take the lock, start the
 * deletion workflow and answer with the progress page. Every refusal before the lock is a 4xx
 * that changes nothing, and the link stays valid.
 */
export async function approveLink(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  const form = request.form ?? new URLSearchParams();
  const token = form.has('t') ? singleToken(form) : singleToken(request.query);
  const link = await checkLink(token, deps);
  if (!link.ok) {
    deps.logger.info('approval link refused', { problem: link.problem, method: 'POST', sourceIp: request.sourceIp });
    return link.response;
  }
  if (link.used) {
    if (form.get('resume') === '1') return resumeDeletion(link.payload, request, deps);
    deps.logger.warn('approval link reused', { auditId: link.payload.auditId, sourceIp: request.sourceIp });
    return problemPage('used');
  }
  const { report, payload } = link;
  const note = (form.get('note') ?? '').trim();
  if (note.length > MAX_NOTE_LENGTH) {
    return errorPage(400, 'Note too long', `The note is limited to ${MAX_NOTE_LENGTH} characters. Go back and shorten it; the link is still valid.`);
  }
  const keepChoice = parseKeepChoice(form.get('keep_days'), form.get('keep_reason'));
  if (!keepChoice.ok) return errorPage(400, 'Keep not accepted', `${keepChoice.problem}. Nothing was deleted and the link is still valid: go back and fix it.`);
  const candidates = candidatesOf(report);
  const candidateIds = new Set(candidates.map((g) => g.groupId));
  const keep = new Set(form.getAll('keep'));
  const notCandidates = [...keep].filter((id) => !candidateIds.has(id));
  if (notCandidates.length > 0) {
    deps.logger.warn('selection refused', { auditId: report.auditId, invalid: notCandidates.slice(0, 20).join(',') });
    return errorPage(400, 'Selection not allowed', `Only candidates of the signed audit can be kept or deleted; these were not: ${shortList(notCandidates)}.`);
  }
  const selection = candidates.filter((g) => !keep.has(g.groupId)).map((g) => g.groupId);
  const check = checkSelection(report, selection);
  if (!check.ok) return errorPage(400, 'Nothing to delete', 'Every candidate was kept, so nothing was deleted. The link is still valid.');
  const typed = (form.get('confirm') ?? '').trim();
  if (typed !== String(check.selected.length)) {
    deps.logger.info('confirmation count refused', { auditId: report.auditId, typed: typed.slice(0, 12), expected: check.selected.length });
    return errorPage(
      422,
      'Confirmation does not match',
      `You typed "${typed.slice(0, 12)}", but ${check.selected.length} groups would be deleted. Nothing was deleted and the link is still valid: go back, check the groups you keep, and type ${check.selected.length}.`,
    );
  }

  const approved = {
    accountId: report.accountId,
    auditId: report.auditId,
    reportSha256: payload.reportSha256,
    selection: check.selected.map((g) => g.groupId),
    ...('reason' in keepChoice.choice && check.kept.length > 0 ? { keepFor: keepChoice.choice } : {}),
  };
  // The lock carries the signed link and the selection's hash: the workflow acts only on a lock
  // whose link it can verify (KMS VerifyMac) and whose selection still hashes to what was approved.
  const taken = await deps.store.takeLock({
    ...approved,
    takenAt: deps.now().toISOString(),
    ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
    ...(note ? { note } : {}),
    token: token as string,
    selectionSha256: selectionSha256(approved),
  });
  if (!taken) {
    deps.logger.warn('approval lock already taken', { auditId: report.auditId, sourceIp: request.sourceIp });
    return problemPage('used');
  }
  deps.logger.info('approval lock taken', { auditId: report.auditId, selected: check.selected.length, kept: check.kept.length, sourceIp: request.sourceIp });
  await deps.startDeletion({ accountId: report.accountId, auditId: report.auditId, selectionSha256: selectionSha256(approved) });
  deps.logger.info('deletion workflow started', { auditId: report.auditId });
  return progressPage(payload, deps);
}

/** Routes one request: GET (and HEAD) review, POST approve, anything else 405. */
export async function handleApproval(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  if (request.path !== '/' && request.path !== '') return errorPage(404, 'Not found', 'There is nothing here. Open the link from the email.');
  if (request.method === 'GET' || request.method === 'HEAD') return reviewLink(request, deps);
  if (request.method === 'POST') return approveLink(request, deps);
  return { ...errorPage(405, 'Method not allowed', 'Only GET (review) and POST (the review form) are accepted.'), headers: { ...PAGE_HEADERS, Allow: 'GET, POST' } };
}
