import { z } from 'zod';
import type { StartedRecord } from './deletion-contract';
import type { DeletionResult } from './deletion-plan';
import type { AuditReport } from './model';

/**
 * The events sg-auditor puts on the account's default EventBridge bus, for integrations (chat,
 * tickets, automation). Source `sg-auditor`; one detail type per moment. Details carry counts,
 * ids and S3 keys, never an approval link (a bearer credential) nor group rules.
 * The schemas below are the contract: docs/integrations.md prints them as JSON Schema, and a
 * test keeps it current.
 */

export const EVENT_SOURCE = 'sg-auditor';

export const EVENT_DETAIL_TYPES = {
  auditCompleted: 'Audit Completed',
  deletionStarted: 'Deletion Started',
  deletionFinished: 'Deletion Finished',
  deletionAborted: 'Deletion Aborted',
} as const;

const totals = z.object({
  groups: z.number().int().nonnegative(),
  inUse: z.number().int().nonnegative(),
  candidates: z.number().int().nonnegative(),
  protected: z.number().int().nonnegative(),
  unknown: z.number().int().nonnegative(),
});

const ids = { auditId: z.string(), accountId: z.string().regex(/^\d{12}$/) };

export const auditCompletedDetail = z.object({
  ...ids,
  startedAt: z.string(),
  finishedAt: z.string(),
  totals,
  regions: z.number().int().nonnegative(),
  failedRegions: z.array(z.string()),
  /** s3://bucket/key of report.json. */
  report: z.string(),
  /** When the approval link (emailed, never in the event) expires; absent when none was made. */
  linkExpiresAt: z.string().optional(),
  dryRun: z.boolean(),
});

export const deletionStartedDetail = z.object({
  ...ids,
  startedAt: z.string(),
  selected: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  regions: z.array(z.string()),
  /** How it was approved: the link (with the reviewer's note), or the CLI. */
  via: z.string(),
});

const deletionTotals = z.object({
  deleted: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  keptByReviewer: z.number().int().nonnegative(),
});

export const deletionFinishedDetail = z.object({
  ...ids,
  status: z.enum(['completed', 'aborted']),
  startedAt: z.string(),
  finishedAt: z.string(),
  totals: deletionTotals,
  /** s3://bucket/key of the trail's result.json. */
  result: z.string(),
  abortReason: z.string().optional(),
});

export const EVENT_SCHEMAS = {
  [EVENT_DETAIL_TYPES.auditCompleted]: auditCompletedDetail,
  [EVENT_DETAIL_TYPES.deletionStarted]: deletionStartedDetail,
  [EVENT_DETAIL_TYPES.deletionFinished]: deletionFinishedDetail,
  [EVENT_DETAIL_TYPES.deletionAborted]: deletionFinishedDetail,
} as const;

export type EventDetailType = keyof typeof EVENT_SCHEMAS;

export interface IntegrationEvent {
  detailType: EventDetailType;
  detail: Record<string, unknown>;
  /** ARNs of the resources the event is about (EventBridge `resources`). */
  resources: string[];
}

export function auditCompletedEvent(report: AuditReport, reportUri: string, dryRun: boolean, linkExpiresAt?: string): IntegrationEvent {
  const detail = auditCompletedDetail.parse({
    auditId: report.auditId,
    accountId: report.accountId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    totals: report.totals,
    regions: report.regions.length,
    failedRegions: report.regions.filter((r) => r.status === 'failed').map((r) => r.region),
    report: reportUri,
    ...(linkExpiresAt ? { linkExpiresAt } : {}),
    dryRun,
  });
  return { detailType: EVENT_DETAIL_TYPES.auditCompleted, detail, resources: [] };
}

export function deletionStartedEvent(record: StartedRecord): IntegrationEvent {
  const detail = deletionStartedDetail.parse({
    auditId: record.auditId,
    accountId: record.accountId,
    startedAt: record.startedAt,
    selected: record.selected,
    kept: record.kept,
    regions: record.regions,
    via: record.requester.via,
  });
  return { detailType: EVENT_DETAIL_TYPES.deletionStarted, detail, resources: [] };
}

export function deletionEndedEvent(result: DeletionResult, resultUri: string): IntegrationEvent {
  const detail = deletionFinishedDetail.parse({
    auditId: result.auditId,
    accountId: result.accountId,
    status: result.status,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    totals: result.totals,
    result: resultUri,
    ...(result.abortReason ? { abortReason: result.abortReason } : {}),
  });
  return { detailType: result.status === 'aborted' ? EVENT_DETAIL_TYPES.deletionAborted : EVENT_DETAIL_TYPES.deletionFinished, detail, resources: [] };
}

/** The events' JSON Schemas (draft 2020-12), as docs/integrations.md prints them. */
export function eventJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, z.toJSONSchema(schema)]));
}
