import { DescribeWorkspaceCommand, GrafanaClient, paginateListWorkspaces } from '@aws-sdk/client-grafana';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// Amazon Managed Grafana API reference and botocore 1.43.11's model:
// - ListWorkspaces: maxResults 1–100, nextToken; workspaces[].{id, name, status} (no VPC configuration).
// - DescribeWorkspace(workspaceId): workspace.vpcConfiguration.securityGroupIds.
// - IAM: grafana:ListWorkspaces, grafana:DescribeWorkspace.

/** Managed Grafana workspaces connected to a VPC. */
export const grafanaScanner: Scanner = {
  source: 'grafana',
  service: 'grafana',
  covers: ['AWS::Grafana::Workspace'],
  actions: ['grafana:ListWorkspaces', 'grafana:DescribeWorkspace'],
  async scan(clients, _region, ctx) {
    const grafana = clients.get(GrafanaClient);
    for await (const page of paginateListWorkspaces({ client: grafana, pageSize: 100 }, {})) {
      for (const summary of page.workspaces ?? []) {
        const workspaceId = summary.id;
        if (!workspaceId) continue;
        const workspace = (await unlessGone(() => grafana.send(new DescribeWorkspaceCommand({ workspaceId }))))?.workspace;
        if (!workspace) continue;
        const name = workspace.name ?? summary.name;
        ctx.found(groupRefsIn(workspace.vpcConfiguration), {
          resourceType: 'Managed Grafana workspace',
          resourceId: workspaceId,
          ...(name ? { resourceName: name } : {}),
          detail: `status ${workspace.status ?? summary.status ?? 'unknown'}`,
        });
      }
    }
  },
};
