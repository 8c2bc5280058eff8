import type { RegionInput } from './contract';
import { lambdaDeps } from './deps';
import { deleteBatch } from './tasks';

/** Task Lambda of the deletion state machine (see tasks.ts: deleteBatch). */
export const handler = (event: RegionInput) => deleteBatch(event, lambdaDeps());
