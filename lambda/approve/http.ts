import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { errorPage, handleApproval, type ApprovalRequest, type ApproveDeps, type HttpResponse } from './approve-core';
import type { LogSink } from '../core/deletion-contract';
import { FRONT_ERRORS_METRIC } from '../core/metric-names';
import { parseCookies } from '../core/signin';

/** The part of Powertools Metrics the front uses (tests pass a recorder). */
export interface FrontMetrics {
  addMetric(name: string, unit: 'Count', value: number): unknown;
  /** Flushes one EMF document (a log line CloudWatch turns into the metric). */
  publishStoredMetrics(): unknown;
}

/**
 * The review form posts only the kept ids: 10,000 kept candidates are ~270 KB. The function
 * URL's own limit is the 6 MB invocation payload; anything over 1 MB is not from the form.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

function header(event: LambdaFunctionURLEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** Turns a function URL event (payload 2.0) into a request, or the 4xx response it deserves. */
export function toApprovalRequest(event: LambdaFunctionURLEvent, requestId: string): ApprovalRequest | HttpResponse {
  const http = event.requestContext?.http;
  const request: ApprovalRequest = {
    method: (http?.method ?? 'GET').toUpperCase(),
    path: event.rawPath ?? http?.path ?? '/',
    query: new URLSearchParams(event.rawQueryString ?? ''),
    requestId,
  };
  if (http?.sourceIp) request.sourceIp = http.sourceIp;
  const userAgent = http?.userAgent ?? header(event, 'user-agent');
  if (userAgent) request.userAgent = userAgent;
  request.selfOrigin = selfOrigin(event);
  // Payload 2.0 moves the Cookie header into `cookies`; the local server keeps the header.
  const cookies = event.cookies?.length ? event.cookies.join('; ') : header(event, 'cookie');
  if (cookies) request.cookies = parseCookies(cookies);
  if (request.method !== 'POST') return request;
  const origin = header(event, 'origin');
  if (origin !== undefined) request.origin = origin;
  const fetchSite = header(event, 'sec-fetch-site');
  if (fetchSite !== undefined) request.fetchSite = fetchSite;

  const raw = event.body ?? '';
  const declared = Number(header(event, 'content-length') ?? '0');
  const approxBytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw, 'utf8');
  if (declared > MAX_BODY_BYTES || approxBytes > MAX_BODY_BYTES + 2) return tooLarge();
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (body.length > MAX_BODY_BYTES) return tooLarge();
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return errorPage(415, 'Unsupported request', 'Only the review form (application/x-www-form-urlencoded) can be posted here.');
  }
  request.form = new URLSearchParams(body.toString('utf8'));
  return request;
}

/**
 * The front's own origin: the function URL is HTTPS only, on its own host (`requestContext.domainName`).
 * `sg-audit serve` marks its plain-HTTP events with `x-forwarded-proto: http`.
 */
export function selfOrigin(event: LambdaFunctionURLEvent): string {
  const host = event.requestContext?.domainName ?? header(event, 'host') ?? '';
  const proto = header(event, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
  return `${proto}://${host}`.toLowerCase();
}

function tooLarge(): HttpResponse {
  return errorPage(413, 'Request too large', `The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB; the review form never sends that much.`);
}

/**
 * The whole HTTP surface: any unexpected error becomes a 500 page with the request id and no
 * internals (the details go to the log), and counts one `FrontErrors` metric, which the
 * front's failure alarm watches (the Lambda itself succeeds, so its `Errors` metric stays 0).
 */
export async function handleEvent(
  event: LambdaFunctionURLEvent,
  requestId: string,
  deps: () => Promise<ApproveDeps> | ApproveDeps,
  logger: LogSink,
  metrics?: FrontMetrics,
): Promise<HttpResponse> {
  let method = 'unknown';
  try {
    const request = toApprovalRequest(event, requestId);
    if (!('query' in request)) return request;
    method = request.method;
    return await handleApproval(request, await deps());
  } catch (error) {
    logger.error('approval request failed', { requestId, method, error: error as Error });
    try {
      metrics?.addMetric(FRONT_ERRORS_METRIC, 'Count', 1);
      metrics?.publishStoredMetrics();
    } catch (metricError) {
      logger.error('could not emit the FrontErrors metric', { requestId, error: metricError as Error });
    }
    return errorPage(
      500,
      'Something went wrong',
      method === 'POST'
        ? 'An unexpected error stopped this request. Open the link again to see whether the deletion started; give the request id below to your operators.'
        : 'An unexpected error stopped this request. Give the request id below to your operators.',
      requestId,
      method !== 'POST',
    );
  }
}
