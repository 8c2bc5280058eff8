/**
 * The deletion state machine's contract, shared by the CDK construct (state names, payloads)
 * and the task handlers. Payloads stay small: large data lives in S3 under deletions/.
 */

/** State names: the construct names its states with these, the local runner binds them. */
export const DELETION_STATES = {
  started: 'WriteStartedTrail',
  regions: 'Regions',
  reaudit: 'ReauditRegion',
  backup: 'WritePreDeleteBackup',
  batch: 'DeleteBatch',
  finish: 'FinishDeletion',
  abort: 'AbortDeletion',
} as const;

export type DeletionTask = Exclude<keyof typeof DELETION_STATES, 'regions'>;

/** The execution's input (the front starts it with the link's ids; the lock holds the rest). */
export interface DeletionExecutionInput {
  accountId: string;
  auditId: string;
}

import type { Requester } from '../../core/deletion-plan';

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

export interface StartedOutput {
  regions: string[];
  selected: number;
}

export interface RegionInput extends DeletionExecutionInput {
  region: string;
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
  status: 'completed' | 'aborted';
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
