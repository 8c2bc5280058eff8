import type { RegionInput } from './contract';
import { lambdaDeps } from './deps';
import { reauditRegion } from './tasks';

/** Task Lambda of the deletion state machine (see tasks.ts: reauditRegion). */
export const handler = (event: RegionInput) => reauditRegion(event, lambdaDeps());
