import type { DeletionExecutionInput } from './contract';
import { lambdaDeps } from './deps';
import { writeStartedTrail } from './tasks';

/** Task Lambda of the deletion state machine (see tasks.ts: writeStartedTrail). */
export const handler = (event: DeletionExecutionInput) => writeStartedTrail(event, lambdaDeps());
