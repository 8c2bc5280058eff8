import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { errorPage, handleApproval, type ApprovalRequest, type ApproveDeps, type HttpResponse } from './approve-core';
import type { LogSink } from '../core/deletion-contract';

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
  if (request.method !== 'POST') return request;

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

function tooLarge(): HttpResponse {
  return errorPage(413, 'Request too large', `The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB; the review form never sends that much.`);
}

/**
 * The whole HTTP surface: any unexpected error becomes a 500 page with the request id and no
 * internals (the details go to the log).
 */
export async function handleEvent(
  event: LambdaFunctionURLEvent,
  requestId: string,
  deps: () => Promise<ApproveDeps> | ApproveDeps,
  logger: LogSink,
): Promise<HttpResponse> {
  let method = 'unknown';
  try {
    const request = toApprovalRequest(event, requestId);
    if (!('query' in request)) return request;
    method = request.method;
    return await handleApproval(request, await deps());
  } catch (error) {
    logger.error('approval request failed', { requestId, method, error: error as Error });
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
