import { GlueClient, paginateGetConnections, paginateGetDevEndpoints } from '@aws-sdk/client-glue';
import type { Scanner } from './types';

/** GetConnections and GetDevEndpoints both allow 1–1000 per page. */
const PAGE_SIZE = 1000;

/** Glue connections (the groups a job's ENIs get) and legacy Glue dev endpoints. */
export const glueScanner: Scanner = {
  source: 'glue',
  service: 'glue',
  covers: ['AWS::Glue::Connection', 'AWS::Glue::DevEndpoint'],
  actions: ['glue:GetConnections', 'glue:GetDevEndpoints'],
  async scan(clients, _region, ctx) {
    const glue = clients.get(GlueClient);

    // HidePassword keeps connection passwords out of the response: the scan needs none of them.
    for await (const page of paginateGetConnections({ client: glue, pageSize: PAGE_SIZE }, { HidePassword: true })) {
      for (const connection of page.ConnectionList ?? []) {
        ctx.found(connection.PhysicalConnectionRequirements?.SecurityGroupIdList, {
          resourceType: 'Glue connection',
          resourceId: connection.Name ?? 'connection-?',
          ...(connection.Name ? { resourceName: connection.Name } : {}),
          detail: [connection.ConnectionType, connection.Status ? `status ${connection.Status}` : undefined]
            .filter(Boolean)
            .join(', '),
        });
      }
    }

    for await (const page of paginateGetDevEndpoints({ client: glue, pageSize: PAGE_SIZE }, {})) {
      for (const endpoint of page.DevEndpoints ?? []) {
        ctx.found(endpoint.SecurityGroupIds, {
          resourceType: 'Glue dev endpoint',
          resourceId: endpoint.EndpointName ?? 'dev-endpoint-?',
          ...(endpoint.EndpointName ? { resourceName: endpoint.EndpointName } : {}),
          detail: `status ${endpoint.Status ?? 'unknown'}`,
        });
      }
    }
  },
};
