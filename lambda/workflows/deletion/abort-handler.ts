import type { AbortInput } from './contract';
import { lambdaDeps } from './deps';
import { abortDeletion } from './tasks';

/** Task Lambda of the deletion state machine (see tasks.ts: abortDeletion). */
export const handler = (event: AbortInput) => abortDeletion(event, lambdaDeps());
