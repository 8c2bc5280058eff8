import type { AbortInput, DeletionExecutionInput, FinishInput, RegionInput } from '../../core/deletion-contract';
import { lambdaDeps } from './deps';
import { abortDeletion, deleteBatch, finishDeletion, reauditRegion, tagKept, writePreDeleteBackup, writeStartedTrail } from './tasks';

/**
 * The deletion state machine's task Lambdas: one bundle, one exported handler per task (each
 * function of the construct names its own), each a single call into tasks.ts.
 */
export const started = (event: DeletionExecutionInput) => writeStartedTrail(event, lambdaDeps());
export const keep = (event: DeletionExecutionInput) => tagKept(event, lambdaDeps());
export const reaudit = (event: RegionInput) => reauditRegion(event, lambdaDeps());
export const backup = (event: RegionInput) => writePreDeleteBackup(event, lambdaDeps());
export const batch = (event: RegionInput) => deleteBatch(event, lambdaDeps());
export const finish = (event: FinishInput) => finishDeletion(event, lambdaDeps());
export const abort = (event: AbortInput) => abortDeletion(event, lambdaDeps());
