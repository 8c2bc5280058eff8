import { BatchClient, paginateDescribeJobDefinitions } from '@aws-sdk/client-batch';
import { readEveryPage } from '../response-sweep';
import type { Scanner } from './types';

// Confirmed in the Batch API reference: DescribeJobDefinitions with status ACTIVE lists every
// active revision (maxResults 1-100, nextToken) with its containerProperties (environment[],
// command, ...), nodeProperties, eksProperties, ecsProperties, parameters and tags.
const PAGE_SIZE = 100;

/**
 * AWS Batch job definitions: environment variables, commands and parameters of every active
 * revision, where a job that starts resources of its own names their group. The free-text sweep
 * (response-sweep.ts) reports each group named there with the job definition's ARN and the path.
 * Inactive (deregistered) revisions cannot be submitted and are not listed.
 */
export const batchJobDefinitionsScanner: Scanner = {
  source: 'batch-job-definitions',
  service: 'batch',
  covers: ['place:batch-job-definitions'],
  actions: ['batch:DescribeJobDefinitions'],
  async scan(clients) {
    const batch = clients.get(BatchClient);
    await readEveryPage(paginateDescribeJobDefinitions({ client: batch, pageSize: PAGE_SIZE }, { status: 'ACTIVE' }));
  },
};
