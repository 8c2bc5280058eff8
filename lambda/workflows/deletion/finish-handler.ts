import type { FinishInput } from './contract';
import { lambdaDeps } from './deps';
import { finishDeletion } from './tasks';

/** Task Lambda of the deletion state machine (see tasks.ts: finishDeletion). */
export const handler = (event: FinishInput) => finishDeletion(event, lambdaDeps());
