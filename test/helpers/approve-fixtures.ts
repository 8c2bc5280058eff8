import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import type { ApprovalRequest, ApproveDeps } from '../../lambda/approve/approve-core';
import { s3ApprovalStore } from '../../lambda/aws/approval-store';
import { s3ProgressReader } from '../../lambda/approve/handler';
import type { DeletionExecutionInput } from '../../lambda/core/deletion-contract';
import { toJsonBytes } from '../../lambda/core/backup';
import type { AuditReport } from '../../lambda/core/model';
import { auditKeys } from '../../lambda/core/s3-keys';
import { signToken, TOKEN_VERSION, type MacProvider, type TokenPayload } from '../../lambda/core/token';
import { awsError } from './scanner-harness';

export const NOW = new Date('2026-12-02T10:00:00Z');
/** The origin of the function URL that urlEvent's events arrive on. */
export const FRONT_ORIGIN = 'https://abc.lambda-url.us-east-1.on.aws';
export const BUCKET = 'artifacts';

/** An S3 stand-in over a Map, honouring IfNoneMatch: '*' like S3 does (412 to the loser). */
export function fakeS3() {
  const objects = new Map<string, Buffer>();
  const mock = mockClient(S3Client);
  mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const body = objects.get(input.Key);
    if (!body) throw Object.assign(awsError('NoSuchKey'), { $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
  });
  mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (!objects.has(input.Key)) throw Object.assign(awsError('NotFound'), { $metadata: { httpStatusCode: 404 } });
    return {};
  });
  mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: string | Buffer; IfNoneMatch?: string }) => {
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) {
      throw Object.assign(awsError('PreconditionFailed'), { $metadata: { httpStatusCode: 412 } });
    }
    objects.set(input.Key, Buffer.from(input.Body));
    return { ETag: '"x"' };
  });
  return { objects, mock, client: new S3Client({ region: 'us-east-1' }) };
}

/** Stores a report as the audit Lambda does and returns a signed link token for it. */
export async function publishReport(
  objects: Map<string, Buffer>,
  report: AuditReport,
  mac: MacProvider,
  overrides: Partial<TokenPayload> = {},
): Promise<string> {
  const bytes = toJsonBytes(report);
  objects.set(auditKeys(report.accountId, report.auditId).report, bytes);
  const payload: TokenPayload = {
    v: TOKEN_VERSION,
    auditId: report.auditId,
    accountId: report.accountId,
    reportSha256: createHash('sha256').update(bytes).digest('hex'),
    exp: Math.floor(NOW.getTime() / 1000) + 7 * 86400,
    ...overrides,
  };
  return signToken(payload, mac);
}

/** Records the workflow starts the front makes, and answers their status. */
export function fakeWorkflow(calls: DeletionExecutionInput[] = []) {
  return {
    startDeletion: async (input: DeletionExecutionInput) => {
      calls.push(input);
    },
    executionStatus: async (input: DeletionExecutionInput) => (calls.some((c) => c.auditId === input.auditId) ? 'RUNNING' : undefined),
  };
}

export const silentLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** Approval dependencies over the fake S3 and an in-memory MAC. */
export function approveDeps(s3: S3Client, mac: MacProvider, overrides: Partial<ApproveDeps> = {}): ApproveDeps {
  return {
    store: s3ApprovalStore(s3, BUCKET),
    mac,
    accountId: async () => '123456789012',
    now: () => NOW,
    progress: s3ProgressReader(s3, BUCKET),
    ...fakeWorkflow(),
    logger: silentLogger(),
    ...overrides,
  };
}

export function getRequest(token: string | undefined): ApprovalRequest {
  const query = new URLSearchParams();
  if (token !== undefined) query.set('t', token);
  return { method: 'GET', path: '/', query, requestId: 'req-1', sourceIp: '203.0.113.9', userAgent: 'test-agent' };
}

/** The review form's POST: the kept candidates and the typed count. */
export function postRequest(token: string, options: { keep?: string[]; confirm?: string; note?: string; keepDays?: string; keepReason?: string } = {}): ApprovalRequest {
  const form = new URLSearchParams();
  form.set('t', token);
  for (const g of options.keep ?? []) form.append('keep', g);
  if (options.confirm !== undefined) form.set('confirm', options.confirm);
  if (options.note !== undefined) form.set('note', options.note);
  if (options.keepDays !== undefined) form.set('keep_days', options.keepDays);
  if (options.keepReason !== undefined) form.set('keep_reason', options.keepReason);
  return { method: 'POST', path: '/', query: new URLSearchParams(), form, requestId: 'req-2', sourceIp: '203.0.113.9', userAgent: 'test-agent' };
}

/** A function URL event (payload 2.0) as AWS sends it. */
export function urlEvent(
  method: string,
  options: { query?: string; body?: string; base64?: boolean; contentType?: string; path?: string; headers?: Record<string, string> } = {},
): LambdaFunctionURLEvent {
  const body = options.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path ?? '/',
    rawQueryString: options.query ?? '',
    headers: { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 test', ...options.headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path: options.path ?? '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'Mozilla/5.0 test' },
      requestId: 'req-3',
      routeKey: '$default',
      stage: '$default',
      time: NOW.toISOString(),
      timeEpoch: NOW.getTime(),
    },
    isBase64Encoded: options.base64 === true,
    ...(body !== undefined ? { body: options.base64 ? Buffer.from(body).toString('base64') : body } : {}),
  };
}
