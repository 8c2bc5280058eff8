import type { Logger } from '@aws-lambda-powertools/logger';

/**
 * The contract between the approval front and the deletion state machine, shared by the CDK
 * construct (state names, payloads), the front (execution input, started record) and the task
 * handlers, so neither adapter imports the other. Payloads stay small: large data lives in S3
 * under deletions/.
 */

/** Structured logging: the Powertools Logger (tests pass one with logLevel SILENT). */
export type LogSink = Pick<Logger, 'info' | 'warn' | 'error'>;

/** State names: the construct names its states with these, the local runner binds them. */
export const DELETION_STATES = {
  started: 'WriteStartedTrail',
  keep: 'TagKeptGroups',
  regions: 'Regions',
  reaudit: 'ReauditRegion',
  backup: 'WritePreDeleteBackup',
  batch: 'DeleteBatch',
  finish: 'FinishDeletion',
  abort: 'AbortDeletion',
} as const;

import type { Requester } from './deletion-plan';

export type DeletionTask = Exclude<keyof typeof DELETION_STATES, 'regions'>;

/** The execution's input (the front starts it with the link's ids; the lock holds the rest). */
export interface DeletionExecutionInput {
  accountId: string;
  auditId: string;
  /**
   * The approved selection's SHA-256, as the front put it in the lock: the started task refuses a
   * lock whose selection does not hash to it (absent in executions started before it existed).
   */
  selectionSha256?: string;
}


/**
 * The deletion execution's name: account and audit, so organization mode's accounts never share
 * one, and a second StartExecution for the same approval (same name, same input) starts nothing.
 */
export function deletionExecutionName(input: Pick<DeletionExecutionInput, 'accountId' | 'auditId'>): string {
  return `${input.accountId}-${input.auditId}`;
}

/** Started trail: who approved what, when; the regions the Map fans out over. */
export interface StartedRecord {
  auditId: string;
  accountId: string;
  startedAt: string;
  requester: Requester;
  selected: number;
  kept: number;
  regions: string[];
}

/** How the front starts the deletion state machine and reads its status (Step Functions, or the local runner). */
export interface DeletionStarter {
  /** Starts the deletion state machine (named by account and audit id, so a retry starts nothing new). */
  startDeletion(input: DeletionExecutionInput): Promise<void>;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED; undefined when it never started. */
  executionStatus(input: DeletionExecutionInput): Promise<string | undefined>;
}

export interface StartedOutput {
  regions: string[];
  selected: number;
  /** The approval could not be authenticated: a REFUSED trail was written and nothing is done. */
  refused: boolean;
}

export interface RegionInput extends DeletionExecutionInput {
  region: string;
}

/** What the keep step did: the kept groups tagged sg-auditor:kept-until / kept-reason, or not. */
export interface KeepOutput {
  tagged: number;
  failed: number;
  /** The kept-until date written (absent when the reviewer kept the groups this time only). */
  until?: string;
}

/** deletions/.../kept.json: every kept group's tagging outcome, for the trail. */
export interface KeptRecord {
  until: string;
  reason: string;
  tagged: string[];
  failed: Array<{ groupId: string; code: string; message: string }>;
}

export interface BackupOutput {
  region: string;
  backupKey: string;
  groups: number;
}

export interface BatchOutput {
  region: string;
  done: boolean;
  deleted: number;
  remaining: number;
}

/** What each Map iteration ends with: finished, or aborted before deleting (backup not written). */
export interface RegionOutcome {
  region: string;
  status: 'done' | 'aborted';
  error?: { Error?: string; Cause?: string };
}

export interface FinishInput extends DeletionExecutionInput {
  regionResults: RegionOutcome[];
}

export interface FinishOutput {
  resultKey: string;
  status: 'completed' | 'aborted' | 'refused';
  deleted: number;
  failed: number;
}

/**
 * The abort task's input: from a Catch (the execution input plus the caught error) or from the
 * EventBridge rule on "Step Functions Execution Status Change" (detail.input is the execution's
 * input as a JSON string).
 */
export type AbortInput =
  | (DeletionExecutionInput & { error?: { Error?: string; Cause?: string } })
  | { detail: { status: string; input?: string; executionArn?: string; cause?: string; error?: string } };

/** Named so the state machine can catch it and abort only the region. */
export class BackupWriteFailed extends Error {
  override readonly name = 'BackupWriteFailed';
}

/** The lock, report or selection are not what the front approved: nothing may be deleted. */
export class ApprovalMismatch extends Error {
  override readonly name = 'ApprovalMismatch';
}
