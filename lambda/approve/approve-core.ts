import { createHash } from 'node:crypto';
import type { ApprovalStore, LockRecord, PendingApproval } from '../aws/approval-store';
import { candidatesOf, checkSelection, type DeletionResult } from '../core/deletion-plan';
import type { RegionSummary } from '../core/deletion-progress';
import { parseKeepChoice } from '../core/keep';
import { auditKeys } from '../core/s3-keys';
import type { AuditReport } from '../core/model';
import { MAX_NOTE_LENGTH, PAGE_HEADERS, parseReviewSort, renderErrorPage, renderProgressPage, renderRedirectPage, renderReviewPage, reviewPageHeaders } from '../core/render-page';
import type { DeletionStarter, LogSink, StartedRecord } from '../core/deletion-contract';
import { selectionSha256 } from '../core/approval-auth';
import { verifyToken, type MacProvider, type TokenPayload, type TokenRejection } from '../core/token';
import type { IdentityProvider } from '../aws/id-token';
import {
  approverFromClaims,
  approverLine,
  authorizeRequestUrl,
  CALLBACK_PATH,
  clearCookie,
  decodePending,
  encodePending,
  newPendingSignIn,
  sameApprover,
  sameSecret,
  SESSION_COOKIE,
  setCookie,
  SIGNIN_COOKIE,
  SIGNIN_MAX_AGE_SECONDS,
  type Approver,
  type SignInConfig,
} from '../core/signin';

/**
 * The approval flow, independent of Lambda: GET renders the review page and changes nothing;
 * POST verifies again, validates the selection, takes the single-use lock, then deletes.
 */

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** Set-Cookie values (the function URL's payload 2.0 `cookies`). */
  cookies?: string[];
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
  /** The request's `Origin` header, when the browser sent one. */
  origin?: string;
  /** The request's `Sec-Fetch-Site` header, when the browser sent one. */
  fetchSite?: string;
  /** This front's own origin (`https://<function URL host>`), what a same-origin form post carries as `Origin`. */
  selfOrigin?: string;
  /** The request's cookies, by name. */
  cookies?: Map<string, string>;
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
  /** 2: two different signed-in approvers must confirm the same selection (needs signIn). */
  approvalsRequired?: 1 | 2;
  /** Signed-in approval (off when absent): the identity provider and the approvers group (resolved on first use). */
  signIn?: () => Promise<SignIn>;
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

/** The URL a successful POST redirects to: the link itself, whose GET shows the progress once it is used. */
export function progressLocation(token: string): string {
  return `/?t=${encodeURIComponent(token)}&view=progress`;
}

/**
 * 303 See Other to the progress URL: the browser follows with a GET, so a refresh reloads the
 * progress page (GET never starts anything) instead of posting the form again.
 */
export function seeProgress(token: string): HttpResponse {
  const location = progressLocation(token);
  return page(303, renderRedirectPage(location), { Location: location });
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
async function resumeDeletion(payload: TokenPayload, token: string, request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
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
  return seeProgress(token);
}

/** GET: the review page, or the progress of a used link. Nothing changes. */
export async function reviewLink(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  const token = singleToken(request.query);
  const link = await checkLink(token, deps);
  if (!link.ok) {
    deps.logger.info('approval link refused', { problem: link.problem, method: 'GET', sourceIp: request.sourceIp });
    return link.response;
  }
  let approver: Approver | undefined;
  if (deps.signIn) {
    const signIn = await deps.signIn();
    const who = await signedIn(request, signIn);
    if (who.kind === 'none') return startSignIn(token as string, request, signIn.config, deps.now());
    if (who.kind === 'refused') return errorPage(403, 'Not an approver', who.message);
    approver = who.approver;
  }
  if (link.used) return progressPage(link.payload, deps, token);
  const pending = deps.approvalsRequired === 2 ? await deps.store.readPending(link.payload.accountId, link.payload.auditId) : undefined;
  const html = renderReviewPage({
    report: link.report,
    token: token as string,
    expiresAt: new Date(link.payload.exp * 1000),
    sort: parseReviewSort(request.query.get('sort') ?? undefined),
    ...(approver ? { approver } : {}),
    ...(deps.approvalsRequired === 2 ? { twoPerson: { ...(pending ? { pending } : {}) } } : {}),
  });
  const candidates = candidatesOf(link.report).length;
  const pageBytes = Buffer.byteLength(html, 'utf8');
  if (pageBytes > MAX_REVIEW_PAGE_BYTES) {
    // A function URL cannot return it (6 MB, headers and envelope included): say so, not a bare 502.
    deps.logger.error('review page too large for the function URL', { auditId: link.payload.auditId, candidates, pageBytes });
    return errorPage(
      500,
      'Too many candidates for one page',
      `This audit has ${candidates} candidates; their review page would be ${(pageBytes / 1024 / 1024).toFixed(1)} MB, more than the approval URL can return (6 MB). ` +
        `Nothing changed and the link is still valid. Review and delete from a terminal instead: download ${auditKeys(link.payload.accountId, link.payload.auditId).report} from the audit bucket and run sg-audit delete --report ./report.json (docs/approval-flow.md).`,
    );
  }
  return { statusCode: 200, headers: reviewPageHeaders(candidates), body: html };
}

/**
 * The largest review page returned: a function URL's response is at most 6 MB, JSON envelope and
 * headers included (the bench's 10,000-candidate page is 5.9 MB).
 */
export const MAX_REVIEW_PAGE_BYTES = 6 * 1024 * 1024 - 64 * 1024;

function shortList(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).map((id) => (id.length > 64 ? `${id.slice(0, 64)}...` : id));
  return `${shown.join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

/**
 * POST: verify again; the form names only the candidates the reviewer keeps ("all candidates
 * except these"), and the typed count must equal what is left. Then take the lock, start the
 * deletion workflow and redirect (303) to the progress URL. Every refusal before the lock is a 4xx
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
  let approver: Approver | undefined;
  if (deps.signIn) {
    const who = await signedIn(request, await deps.signIn());
    if (who.kind === 'none') {
      return errorPage(401, 'Sign in first', 'Approving needs a signed-in approver, and this browser is not signed in (or the sign-in expired). Nothing was deleted and the link is still valid: open the link again to sign in.');
    }
    if (who.kind === 'refused') return errorPage(403, 'Not an approver', who.message);
    approver = { ...who.approver, approvedAt: deps.now().toISOString() };
  }
  if (link.used) {
    if (form.get('resume') === '1') return resumeDeletion(link.payload, token as string, request, deps);
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

  const toDelete = check.selected.map((g) => g.groupId);
  let approvers = approver ? [approver] : undefined;
  let pendingNote: string | undefined;
  if (deps.approvalsRequired === 2) {
    if (!approver) throw new Error('two-person approval needs signed-in approval');
    const keepFor = 'reason' in keepChoice.choice && check.kept.length > 0 ? { keepFor: keepChoice.choice } : {};
    const first = await deps.store.readPending(report.accountId, report.auditId);
    if (!first) {
      const recorded = await deps.store.putPending({
        auditId: report.auditId,
        accountId: report.accountId,
        reportSha256: payload.reportSha256,
        expiresAt: new Date(payload.exp * 1000).toISOString(),
        selection: toDelete,
        ...keepFor,
        ...(note ? { note } : {}),
        approver,
        ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
      });
      if (recorded) {
        deps.logger.info('first approval recorded; waiting for a second approver', { auditId: report.auditId, approver: approver.sub, selected: toDelete.length });
        return seeProgress(token as string);
      }
      return errorPage(409, 'Approval changed meanwhile', 'Another approver recorded a first approval at the same moment. Nothing was deleted: open the link again to see it and confirm it.');
    }
    const refusal = secondApprovalProblem(first, approver, toDelete, deps.now());
    if (refusal) {
      deps.logger.warn('second approval refused', { auditId: report.auditId, approver: approver.sub, refusal: refusal.title });
      return errorPage(refusal.status, refusal.title, refusal.message);
    }
    approvers = [first.approver, approver];
    pendingNote = first.note;
  }

  const notes = [pendingNote, note].filter((n): n is string => Boolean(n));
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
    ...(notes.length > 0 ? { note: notes.join(' / ') } : {}),
    ...(approvers ? { approvers } : {}),
    token: token as string,
    selectionSha256: selectionSha256(approved),
  });
  if (!taken) {
    deps.logger.warn('approval lock already taken', { auditId: report.auditId, sourceIp: request.sourceIp });
    return problemPage('used');
  }
  deps.logger.info('approval lock taken', { auditId: report.auditId, selected: check.selected.length, kept: check.kept.length, sourceIp: request.sourceIp, approver: approver?.sub });
  await deps.startDeletion({ accountId: report.accountId, auditId: report.auditId, selectionSha256: selectionSha256(approved) });
  deps.logger.info('deletion workflow started', { auditId: report.auditId });
  return seeProgress(token as string);
}

/** `Sec-Fetch-Site` values of a request the front's own page made, or the user typed. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Why a POST comes from another site, or undefined when it may be the front's own form: an
 * `Origin` that is not this front's origin (`null` included: an opaque or hidden origin), or a
 * `Sec-Fetch-Site` other than `same-origin`/`none`. Every browser sends at least one of them on a
 * form POST; a request with neither is not from a browser, so it cannot ride a reviewer's session.
 */
export function crossSiteProblem(request: Pick<ApprovalRequest, 'origin' | 'fetchSite' | 'selfOrigin'>): string | undefined {
  const origin = request.origin?.trim().toLowerCase();
  if (origin !== undefined && origin !== request.selfOrigin?.toLowerCase()) return `Origin ${origin.slice(0, 100)}`;
  const site = request.fetchSite?.trim().toLowerCase();
  if (site !== undefined && !OWN_FETCH_SITES.has(site)) return `Sec-Fetch-Site ${site.slice(0, 30)}`;
  return undefined;
}

export interface SignIn {
  config: SignInConfig;
  provider: IdentityProvider;
}

/**
 * Why a second approval cannot complete the first: the same person, a selection with a group the
 * first approver did not approve (the same or a narrower selection only), or an expired pending
 * approval (it expires with the link).
 */
export function secondApprovalProblem(first: PendingApproval, second: Approver, selection: readonly string[], now: Date): { status: number; title: string; message: string } | undefined {
  if (Date.parse(first.expiresAt) <= now.getTime()) return { status: 410, title: 'Pending approval expired', message: 'The first approval expired with the link. Nothing was deleted; run a new audit.' };
  if (sameApprover(first.approver, second)) {
    return { status: 409, title: 'A second approver is needed', message: `You gave the first approval already (${approverLine(first.approver)}). Two different approvers must confirm; nothing was deleted. Forward the link to another approver.` };
  }
  const approved = new Set(first.selection);
  const extra = selection.filter((id) => !approved.has(id));
  if (extra.length > 0) {
    return {
      status: 409,
      title: 'Selection differs from the first approval',
      message: `The first approver did not approve deleting ${shortList(extra)}. Confirm the same groups, or fewer (tick Keep), so that both approvers approved every group deleted. Nothing was deleted and the link is still valid.`,
    };
  }
  return undefined;
}

type SignedIn = { kind: 'approver'; approver: Approver } | { kind: 'none' } | { kind: 'refused'; message: string };

/**
 * The approver this browser signed in as: its session cookie's ID token, verified again on every
 * request (signature, issuer, audience, expiry) and in the approvers group. A missing, expired or
 * invalid session means "sign in (again)"; a valid one outside the group is refused.
 */
async function signedIn(request: ApprovalRequest, signIn: SignIn): Promise<SignedIn> {
  const idToken = request.cookies?.get(SESSION_COOKIE);
  if (!idToken) return { kind: 'none' };
  const verdict = await signIn.provider.verify(idToken);
  if (!verdict.ok) return { kind: 'none' };
  const who = approverFromClaims(verdict.claims, signIn.config);
  return who.ok ? { kind: 'approver', approver: who.approver } : { kind: 'refused', message: who.message };
}

const isSecure = (request: ApprovalRequest) => !request.selfOrigin?.startsWith('http://');
const redirectUri = (request: ApprovalRequest) => `${request.selfOrigin ?? ''}${CALLBACK_PATH}`;

/** Sends the reviewer to the identity provider; state, PKCE verifier, nonce and the link wait in a 10-minute cookie. */
function startSignIn(token: string, request: ApprovalRequest, config: SignInConfig, now: Date): HttpResponse {
  const pending = newPendingSignIn(token, now);
  const location = authorizeRequestUrl(config, pending, redirectUri(request));
  return {
    ...page(303, renderRedirectPage(location, 'Sign in to review'), { Location: location }),
    cookies: [setCookie(SIGNIN_COOKIE, encodePending(pending), SIGNIN_MAX_AGE_SECONDS, isSecure(request))],
  };
}

function signInRefused(request: ApprovalRequest, message: string, status = 403): HttpResponse {
  return { ...errorPage(status, 'Sign-in refused', `${message} Nothing was approved.`), cookies: [clearCookie(SIGNIN_COOKIE, isSecure(request))] };
}

/**
 * The identity provider's redirect back (GET /callback?code&state): the state must be this
 * browser's pending sign-in's, the code is exchanged with its PKCE verifier, and the ID token
 * verified (nonce included) and in the approvers group. Then the token becomes the session
 * cookie and the browser goes back to the link.
 */
async function signInCallback(request: ApprovalRequest, signIn: SignIn, deps: ApproveDeps): Promise<HttpResponse> {
  const pending = decodePending(request.cookies?.get(SIGNIN_COOKIE));
  const now = deps.now();
  if (!pending || pending.exp * 1000 < now.getTime()) return signInRefused(request, 'This sign-in was not started in this browser, or took longer than 10 minutes. Open the link again.', 400);
  if (!sameSecret(request.query.get('state') ?? undefined, pending.state)) return signInRefused(request, 'The sign-in answer does not belong to this sign-in (state mismatch). Open the link again.', 400);
  const error = request.query.get('error');
  if (error) return signInRefused(request, `The identity provider refused the sign-in (${error.slice(0, 64)}: ${(request.query.get('error_description') ?? '').slice(0, 200)}).`);
  const code = request.query.get('code');
  if (!code) return signInRefused(request, 'The identity provider sent no authorization code.', 400);
  const idToken = await signIn.provider.exchange(code, pending.verifier, redirectUri(request));
  if (!idToken) return signInRefused(request, 'The identity provider did not accept the authorization code (expired, used, or PKCE mismatch).');
  const verdict = await signIn.provider.verify(idToken, pending.nonce);
  if (!verdict.ok) {
    deps.logger.warn('sign-in token refused', { problem: verdict.problem, sourceIp: request.sourceIp });
    return signInRefused(request, verdict.message);
  }
  const who = approverFromClaims(verdict.claims, signIn.config);
  if (!who.ok) {
    deps.logger.warn('sign-in refused: not an approver', { problem: who.problem, sourceIp: request.sourceIp });
    return signInRefused(request, who.message);
  }
  deps.logger.info('approver signed in', { sub: who.approver.sub, provider: who.approver.provider, sourceIp: request.sourceIp });
  const location = `/?t=${encodeURIComponent(pending.t)}`;
  const secure = isSecure(request);
  return {
    ...page(303, renderRedirectPage(location, 'Signed in'), { Location: location }),
    cookies: [setCookie(SESSION_COOKIE, idToken, verdict.exp - Math.floor(now.getTime() / 1000), secure), clearCookie(SIGNIN_COOKIE, secure)],
  };
}

/** Routes one request: GET (and HEAD) review, POST approve (same-origin only), the sign-in callback, anything else 405. */
export async function handleApproval(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  if (deps.signIn && request.path === CALLBACK_PATH && request.method === 'GET') return signInCallback(request, await deps.signIn(), deps);
  if (request.path !== '/' && request.path !== '') return errorPage(404, 'Not found', 'There is nothing here. Open the link from the email.');
  if (request.method === 'GET' || request.method === 'HEAD') return reviewLink(request, deps);
  if (request.method === 'POST') {
    const crossSite = crossSiteProblem(request);
    if (crossSite !== undefined) {
      deps.logger.warn('cross-site POST refused', { crossSite, sourceIp: request.sourceIp });
      return errorPage(
        403,
        'Cross-site request refused',
        'This form can only be sent from the review page itself, not from another site. Nothing was deleted and the link is still valid: open the link from the email and approve there.',
      );
    }
    return approveLink(request, deps);
  }
  return { ...errorPage(405, 'Method not allowed', 'Only GET (review) and POST (the review form) are accepted.'), headers: { ...PAGE_HEADERS, Allow: 'GET, POST' } };
}
