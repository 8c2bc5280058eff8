import { AppRunnerClient, paginateListVpcConnectors } from '@aws-sdk/client-apprunner';
import type { Scanner } from './types';

/**
 * App Runner VPC connectors. INACTIVE is the state of a deleted connector (it stays listed for a
 * while and can no longer be used by any service), so only ACTIVE ones count as usage.
 */
export const apprunnerScanner: Scanner = {
  source: 'apprunner',
  service: 'apprunner',
  covers: ['AWS::AppRunner::VpcConnector'],
  actions: ['apprunner:ListVpcConnectors'],
  async scan(clients, _region, ctx) {
    const apprunner = clients.get(AppRunnerClient);
    for await (const page of paginateListVpcConnectors({ client: apprunner, pageSize: 100 }, {})) {
      for (const connector of page.VpcConnectors ?? []) {
        if (connector.Status === 'INACTIVE') continue;
        ctx.found(connector.SecurityGroups, {
          resourceType: 'App Runner VPC connector',
          resourceId: connector.VpcConnectorArn ?? connector.VpcConnectorName ?? 'vpc-connector-?',
          ...(connector.VpcConnectorName ? { resourceName: connector.VpcConnectorName } : {}),
          detail: `revision ${connector.VpcConnectorRevision ?? '?'}, status ${connector.Status ?? 'unknown'}`,
        });
      }
    }
  },
};
