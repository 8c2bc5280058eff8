import { DescribeWebAppCommand, paginateListWebApps, TransferClient, type DescribedWebApp } from '@aws-sdk/client-transfer';
import type { Evidence, Scanner } from './types';
import { recordEndpointGroups } from './transfer';
import { isNamed } from '../errors';

// Confirmed in the AWS Transfer Family API reference and botocore's model:
// - ListWebApps: MaxResults 1–1000, NextToken; ListedWebApp.{Arn, WebAppId, EndpointType}
//   (PUBLIC | VPC).
// - DescribeWebApp(WebAppId) -> WebApp.DescribedEndpointDetails.Vpc.{VpcId, SubnetIds,
//   VpcEndpointId}: the groups given at creation (EndpointDetails.Vpc.SecurityGroupIds) are
//   applied to that VPC endpoint and returned nowhere else, so the endpoints are read in bulk
//   (ec2:DescribeVpcEndpoints) and the evidence names the web app.
// - IAM: transfer:ListWebApps, transfer:DescribeWebApp, ec2:DescribeVpcEndpoints.
// A source of its own, apart from `transfer`: moto 5.2.1 serves ListServers but not ListWebApps.
const PAGE_SIZE = 1000;

/** Transfer Family web apps with a VPC endpoint. */
export const transferWebAppsScanner: Scanner = {
  source: 'transfer-web-apps',
  service: 'transfer',
  covers: ['AWS::Transfer::WebApp'],
  actions: ['transfer:ListWebApps', 'transfer:DescribeWebApp', 'ec2:DescribeVpcEndpoints'],
  async scan(clients, _region, ctx) {
    const transfer = clients.get(TransferClient);
    const byEndpoint = new Map<string, Evidence>();
    for await (const page of paginateListWebApps({ client: transfer, pageSize: PAGE_SIZE }, {})) {
      for (const listed of page.WebApps ?? []) {
        // A PUBLIC web app has no VPC; any other (a new endpoint type included) is described.
        if (!listed.WebAppId || listed.EndpointType === 'PUBLIC') continue;
        const webApp = await describeWebApp(transfer, listed.WebAppId);
        const vpc = webApp?.DescribedEndpointDetails?.Vpc;
        if (!vpc?.VpcEndpointId) continue;
        byEndpoint.set(vpc.VpcEndpointId, {
          resourceType: 'Transfer Family web app',
          resourceId: webApp?.Arn ?? listed.Arn ?? listed.WebAppId,
          resourceName: listed.WebAppId,
          detail: `VPC endpoint ${vpc.VpcEndpointId}`,
        });
      }
    }
    await recordEndpointGroups(clients, byEndpoint, ctx);
  },
};

/** Describes one web app; undefined only when it was deleted between ListWebApps and now. */
async function describeWebApp(transfer: TransferClient, webAppId: string): Promise<DescribedWebApp | undefined> {
  try {
    return (await transfer.send(new DescribeWebAppCommand({ WebAppId: webAppId }))).WebApp;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
