import type { RegionInput } from './contract';
import { lambdaDeps } from './deps';
import { writePreDeleteBackup } from './tasks';

/** Task Lambda of the deletion state machine (see tasks.ts: writePreDeleteBackup). */
export const handler = (event: RegionInput) => writePreDeleteBackup(event, lambdaDeps());
