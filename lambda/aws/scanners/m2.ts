import { GetEnvironmentCommand, M2Client, paginateListEnvironments, type GetEnvironmentResponse } from '@aws-sdk/client-m2';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the AWS Mainframe Modernization API reference and botocore's model:
// - ListEnvironments: maxResults 1–2000, nextToken; EnvironmentSummary has no groups, so each
//   environment is read with GetEnvironment (no bulk form).
// - GetEnvironment(environmentId) -> securityGroupIds[], subnetIds[], vpcId, status.
// - IAM: m2:ListEnvironments, m2:GetEnvironment.
const PAGE_SIZE = 2000;

/** AWS Mainframe Modernization runtime environments: each holds the groups of its instances. */
export const m2Scanner: Scanner = {
  source: 'm2',
  service: 'm2',
  covers: ['AWS::M2::Environment'],
  actions: ['m2:ListEnvironments', 'm2:GetEnvironment'],
  async scan(clients, _region, ctx) {
    const m2 = clients.get(M2Client);
    for await (const page of paginateListEnvironments({ client: m2, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.environments ?? []) {
        if (!summary.environmentId) continue;
        const environment = await getEnvironment(m2, summary.environmentId);
        if (!environment) continue;
        ctx.found(environment.securityGroupIds, {
          resourceType: 'Mainframe Modernization environment',
          resourceId: environment.environmentArn ?? summary.environmentArn ?? summary.environmentId,
          resourceName: environment.name ?? summary.name,
          detail: [environment.engineType ?? summary.engineType, `status ${environment.status ?? summary.status ?? 'unknown'}`].filter(Boolean).join(', '),
        });
      }
    }
  },
};

/** Reads one environment; undefined only when it was deleted between the listing and now. */
async function getEnvironment(m2: M2Client, environmentId: string): Promise<GetEnvironmentResponse | undefined> {
  try {
    return await m2.send(new GetEnvironmentCommand({ environmentId }));
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
