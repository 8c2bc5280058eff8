import { GlueClient, paginateGetJobs } from '@aws-sdk/client-glue';
import { readEveryPage } from '../response-sweep';
import type { Scanner } from './types';

// Confirmed in the Glue API reference: GetJobs lists every job (MaxResults 1-1000, NextToken) with
// DefaultArguments, NonOverridableArguments, Command and Connections.
const PAGE_SIZE = 1000;

/**
 * AWS Glue jobs: their default and non-overridable arguments (`--security-group-id sg-...` for a
 * job that starts resources of its own). The free-text sweep (response-sweep.ts) reports each
 * group named there with the job's name and the path.
 */
export const glueJobsScanner: Scanner = {
  source: 'glue-jobs',
  service: 'glue',
  covers: ['place:glue-jobs'],
  actions: ['glue:GetJobs'],
  async scan(clients) {
    const glue = clients.get(GlueClient);
    await readEveryPage(paginateGetJobs({ client: glue, pageSize: PAGE_SIZE }, {}));
  },
};
