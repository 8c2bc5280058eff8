import type { Logger } from '@aws-lambda-powertools/logger';
import { createHash } from 'node:crypto';
import type { ApprovalStore } from '../aws/approval-store';
import type { DeletionInput } from '../aws/deleter';
import { oneLine, renderDeletionEmail, renderDeletionLog } from '../core/deletion-log';
import { checkSelection, type DeletionResult } from '../core/deletion-plan';
import type { AuditReport, AuditSettings } from '../core/model';
import { MAX_NOTE_LENGTH, PAGE_HEADERS, renderErrorPage, renderResultPage, renderReviewPage } from '../core/render-page';
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
  /** Epoch ms after which no new deletion may start (the Lambda's timeout less a margin). */
  deadline?: number;
}

/** Structured logging: the Powertools Logger (tests pass one with logLevel SILENT). */
export type LogSink = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface ApproveDeps {
  store: ApprovalStore;
  mac: MacProvider;
  /** The account this Lambda runs in (a link for another account is refused). */
  accountId(): Promise<string>;
  now(): Date;
  /** Settings for the re-audit before deleting: the deployed configuration. */
  settings: AuditSettings;
  deleteGroups(input: DeletionInput): Promise<DeletionResult>;
  notify(subject: string, body: string): Promise<void>;
  logger: LogSink;
  recordMetrics?(result: DeletionResult): void;
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
    message: 'This approval link was already used: each link deletes once. The result was emailed and stored in the trail. Run a new audit to review again.',
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

type LinkCheck = { ok: true; payload: TokenPayload; report: AuditReport } | { ok: false; response: HttpResponse; problem: LinkProblem };

/** Token (KMS MAC, version, account, expiry), then the lock, then the report's hash. */
async function checkLink(token: string | undefined, deps: ApproveDeps): Promise<LinkCheck> {
  const verdict = await verifyToken(token, deps.mac, { accountId: await deps.accountId(), now: deps.now() });
  if (!verdict.ok) return { ok: false, problem: verdict.reason, response: problemPage(verdict.reason, verdict.message) };
  const { payload } = verdict;
  if (await deps.store.isUsed(payload.auditId)) return { ok: false, problem: 'used', response: problemPage('used') };
  const bytes = await deps.store.readReport(payload.accountId, payload.auditId);
  if (!bytes) return { ok: false, problem: 'report-missing', response: problemPage('report-missing') };
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== payload.reportSha256) return { ok: false, problem: 'report-changed', response: problemPage('report-changed') };
  const report = JSON.parse(bytes.toString('utf8')) as AuditReport;
  if (report.auditId !== payload.auditId || report.accountId !== payload.accountId || !Array.isArray(report.regions)) {
    return { ok: false, problem: 'report-changed', response: problemPage('report-changed') };
  }
  return { ok: true, payload, report };
}

/** The one `t` query parameter; none or several make the link malformed. */
function singleToken(params: URLSearchParams): string | undefined {
  const all = params.getAll('t');
  return all.length === 1 ? all[0] : undefined;
}

/** GET: the review page. Nothing changes, so mail scanners that open links are harmless. */
export async function reviewLink(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  const token = singleToken(request.query);
  const link = await checkLink(token, deps);
  if (!link.ok) {
    deps.logger.info('approval link refused', { problem: link.problem, method: 'GET', sourceIp: request.sourceIp });
    return link.response;
  }
  const html = renderReviewPage({ report: link.report, token: token as string, expiresAt: new Date(link.payload.exp * 1000) });
  return page(200, html);
}

function shortList(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).map((id) => (id.length > 64 ? `${id.slice(0, 64)}...` : id));
  return `${shown.join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

/** POST: verify again, validate the selection, take the lock, delete, record, report. */
export async function approveLink(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  const form = request.form ?? new URLSearchParams();
  const token = form.has('t') ? singleToken(form) : singleToken(request.query);
  const link = await checkLink(token, deps);
  if (!link.ok) {
    deps.logger.info('approval link refused', { problem: link.problem, method: 'POST', sourceIp: request.sourceIp });
    return link.response;
  }
  const { report } = link;
  const note = (form.get('note') ?? '').trim();
  if (note.length > MAX_NOTE_LENGTH) {
    return errorPage(400, 'Note too long', `The note is limited to ${MAX_NOTE_LENGTH} characters. Go back and shorten it; the link is still valid.`);
  }
  // Validated before the lock, so a bad request does not burn the link.
  const selection = form.getAll('group');
  const check = checkSelection(report, selection);
  if (!check.ok) {
    deps.logger.warn('selection refused', { auditId: report.auditId, problem: check.problem, invalid: check.invalid.slice(0, 20).join(',') });
    return check.problem === 'empty'
      ? errorPage(400, 'Nothing selected', 'No group was ticked, so nothing was deleted. The link is still valid.')
      : errorPage(400, 'Selection not allowed', `Only candidates of the signed audit can be deleted; these were not: ${shortList(check.invalid)}.`);
  }

  const taken = await deps.store.takeLock({
    auditId: report.auditId,
    takenAt: deps.now().toISOString(),
    ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
    selection: check.selected.map((g) => g.groupId),
  });
  if (!taken) {
    deps.logger.warn('approval lock already taken', { auditId: report.auditId, sourceIp: request.sourceIp });
    return problemPage('used');
  }
  deps.logger.info('approval lock taken', { auditId: report.auditId, selected: check.selected.length, sourceIp: request.sourceIp });

  let result: DeletionResult;
  try {
    result = await deps.deleteGroups({
      report,
      selection: check.selected.map((g) => g.groupId),
      settings: deps.settings,
      ...(request.deadline !== undefined ? { deadline: request.deadline } : {}),
      requester: {
        via: 'approval-link',
        ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
        ...(request.userAgent ? { userAgent: request.userAgent } : {}),
        ...(note ? { note } : {}),
      },
    });
  } catch (error) {
    // The lock is taken and some groups may already be gone: never let that pass quietly.
    const e = error as Error;
    deps.logger.error('deletion aborted', { auditId: report.auditId, error: e });
    try {
      await deps.notify(
        `[sg-auditor] ${report.accountId}: deletion for audit ${report.auditId} ABORTED`,
        [
          `The approved deletion for audit ${report.auditId} stopped with an error after the link was used:`,
          `  ${oneLine(`${e.name}: ${e.message}`)}`,
          '',
          'Some selected groups may already have been deleted. Run an audit to see what is left, and',
          "restore any group you need from the audit's backup.json with sg-audit restore.",
          `Request id: ${request.requestId}`,
        ].join('\n'),
      );
    } catch (notifyError) {
      deps.logger.error('could not email the aborted deletion', { auditId: report.auditId, error: notifyError as Error });
    }
    throw error;
  }
  deps.logger.info('deletion finished', { auditId: report.auditId, ...result.totals });
  // Groups are gone by now: nothing after this point may skip the trail and the email.
  try {
    deps.recordMetrics?.(result);
  } catch (error) {
    deps.logger.error('could not publish the deletion metrics', { auditId: report.auditId, error: error as Error });
  }

  const warnings: string[] = [];
  const log = renderDeletionLog(result);
  let trail = 'the approval Lambda logs (the S3 trail could not be written)';
  try {
    trail = await deps.store.writeTrail(result, log);
  } catch (error) {
    deps.logger.error('could not write the deletion trail', { auditId: report.auditId, error: error as Error });
    warnings.push('The deletion trail could not be written to S3; the outcome above is also in the Lambda logs.');
  }
  try {
    const email = renderDeletionEmail(result, trail);
    await deps.notify(email.subject, email.body);
  } catch (error) {
    deps.logger.error('could not email the deletion result', { auditId: report.auditId, error: error as Error });
    warnings.push('The result email could not be sent.');
  }
  return page(200, renderResultPage(result, warnings));
}

/** Routes one request: GET (and HEAD) review, POST approve, anything else 405. */
export async function handleApproval(request: ApprovalRequest, deps: ApproveDeps): Promise<HttpResponse> {
  if (request.path !== '/' && request.path !== '') return errorPage(404, 'Not found', 'There is nothing here. Open the link from the email.');
  if (request.method === 'GET' || request.method === 'HEAD') return reviewLink(request, deps);
  if (request.method === 'POST') return approveLink(request, deps);
  return { ...errorPage(405, 'Method not allowed', 'Only GET (review) and POST (the review form) are accepted.'), headers: { ...PAGE_HEADERS, Allow: 'GET, POST' } };
}
