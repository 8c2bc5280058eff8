import { DataZoneClient, paginateListConnections, paginateListDomains, paginateListProjects, type ConnectionSummary } from '@aws-sdk/client-datazone';
import { groupRefsIn } from './group-fields';
import type { ScanContext, Scanner } from './types';

// Amazon DataZone API reference and botocore 1.43.11's model:
// - ListDomains: maxResults 1–25, nextToken; items[].{id, name, status}.
// - ListProjects(domainIdentifier): maxResults 1–50; items[].{id, name}.
// - ListConnections(domainIdentifier[, projectIdentifier | scope]): maxResults 1–50; items[] carry
//   physicalEndpoints[].glueConnection.physicalConnectionRequirements.securityGroupIdList and
//   `props` (read for any group field), so no GetConnection. projectIdentifier is optional in the
//   current model (older SDKs required it); domain-scoped connections are listed with
//   scope DOMAIN and project ones per project, deduplicated by connectionId.
// - IAM: datazone:ListDomains, datazone:ListProjects, datazone:ListConnections.

function report(connection: ConnectionSummary, domainName: string, ctx: ScanContext): void {
  ctx.found(groupRefsIn({ physicalEndpoints: connection.physicalEndpoints, props: connection.props }), {
    resourceType: 'DataZone connection',
    resourceId: `${connection.domainId ?? '?'}/${connection.connectionId ?? '?'}`,
    ...(connection.name ? { resourceName: connection.name } : {}),
    detail: `${connection.type ?? 'unknown type'}, domain ${domainName}${connection.projectId ? `, project ${connection.projectId}` : ''}`,
  });
}

/** DataZone (and SageMaker Unified Studio) connections to data stores inside a VPC. */
export const datazoneScanner: Scanner = {
  source: 'datazone',
  service: 'datazone',
  covers: ['AWS::DataZone::Connection'],
  actions: ['datazone:ListDomains', 'datazone:ListProjects', 'datazone:ListConnections'],
  async scan(clients, _region, ctx) {
    const dz = clients.get(DataZoneClient);
    for await (const domainPage of paginateListDomains({ client: dz, pageSize: 25 }, {})) {
      for (const domain of domainPage.items ?? []) {
        const domainIdentifier = domain.id;
        if (!domainIdentifier) continue;
        const domainName = domain.name ?? domainIdentifier;
        const seen = new Set<string>();
        const read = async (input: { projectIdentifier?: string; scope?: 'DOMAIN' }): Promise<void> => {
          for await (const page of paginateListConnections({ client: dz, pageSize: 50 }, { domainIdentifier, ...input })) {
            for (const connection of page.items ?? []) {
              if (connection.connectionId && seen.has(connection.connectionId)) continue;
              if (connection.connectionId) seen.add(connection.connectionId);
              report(connection, domainName, ctx);
            }
          }
        };
        await read({ scope: 'DOMAIN' });
        for await (const projectPage of paginateListProjects({ client: dz, pageSize: 50 }, { domainIdentifier })) {
          for (const project of projectPage.items ?? []) {
            if (project.id) await read({ projectIdentifier: project.id });
          }
        }
      }
    }
  },
};
