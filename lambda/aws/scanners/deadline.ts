import { DeadlineClient, GetLicenseEndpointCommand, paginateListLicenseEndpoints, type GetLicenseEndpointResponse } from '@aws-sdk/client-deadline';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the AWS Deadline Cloud API reference and botocore's model:
// - ListLicenseEndpoints: maxResults 1–100, nextToken; summaries carry licenseEndpointId, status,
//   vpcId only (no groups), so each endpoint is read with GetLicenseEndpoint (no bulk form).
// - GetLicenseEndpoint(licenseEndpointId) -> securityGroupIds[], subnetIds[], vpcId, status.
// - IAM: deadline:ListLicenseEndpoints, deadline:GetLicenseEndpoint.
const PAGE_SIZE = 100;

/** AWS Deadline Cloud license endpoints: the VPC endpoint for usage-based licensing holds its groups. */
export const deadlineScanner: Scanner = {
  source: 'deadline',
  service: 'deadline-cloud',
  covers: ['AWS::Deadline::LicenseEndpoint'],
  actions: ['deadline:ListLicenseEndpoints', 'deadline:GetLicenseEndpoint'],
  async scan(clients, _region, ctx) {
    const deadline = clients.get(DeadlineClient);
    for await (const page of paginateListLicenseEndpoints({ client: deadline, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.licenseEndpoints ?? []) {
        if (!summary.licenseEndpointId) continue;
        const endpoint = await getLicenseEndpoint(deadline, summary.licenseEndpointId);
        if (!endpoint) continue;
        ctx.found(endpoint.securityGroupIds, {
          resourceType: 'Deadline Cloud license endpoint',
          resourceId: summary.licenseEndpointId,
          detail: [`status ${endpoint.status ?? summary.status ?? 'unknown'}`, endpoint.vpcId ? `VPC ${endpoint.vpcId}` : undefined].filter(Boolean).join(', '),
        });
      }
    }
  },
};

/** Reads one endpoint; undefined only when it was deleted between the listing and now. */
async function getLicenseEndpoint(deadline: DeadlineClient, licenseEndpointId: string): Promise<GetLicenseEndpointResponse | undefined> {
  try {
    return await deadline.send(new GetLicenseEndpointCommand({ licenseEndpointId }));
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
