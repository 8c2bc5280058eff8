import { DescribeWorkspaceCommand, GrafanaClient, ListWorkspacesCommand, type WorkspaceDescription } from '@aws-sdk/client-grafana';
import { mockClient } from 'aws-sdk-client-mock';
import { grafanaScanner } from '../../../lambda/aws/scanners/grafana';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const grafana = mockClient(GrafanaClient);
const AT = new Date('2026-01-01T00:00:00Z');

function workspace(id: string, groups: string[]): WorkspaceDescription {
  return {
    id,
    name: `ws-${id}`,
    status: 'ACTIVE',
    created: AT,
    modified: AT,
    dataSources: [],
    endpoint: `${id}.grafana-workspace.us-east-1.amazonaws.com`,
    grafanaVersion: '10.4',
    authentication: { providers: ['AWS_SSO'] },
    vpcConfiguration: { securityGroupIds: groups, subnetIds: ['subnet-1', 'subnet-2'] },
  };
}

beforeEach(() => grafana.reset());

describe('grafana scanner', () => {
  it('marks a group held only by a workspace VPC configuration as in use, naming the workspace', async () => {
    // Prepare
    grafana.on(ListWorkspacesCommand).resolves({ workspaces: [{ id: 'g-1', name: 'ws-g-1', status: 'ACTIVE', created: AT, modified: AT, endpoint: 'e', grafanaVersion: '10.4', authentication: { providers: ['AWS_SSO'] } }] });
    grafana.on(DescribeWorkspaceCommand, { workspaceId: 'g-1' }).resolves({ workspace: workspace('g-1', ['sg-graf']) });

    // Act
    const result = await scanAndClassify(grafanaScanner, [group('sg-graf'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-graf').verdict).toBe('in-use');
    expect(result.verdictOf('sg-graf').usages[0]).toMatchObject({ source: 'grafana', resourceType: 'Managed Grafana workspace', resourceId: 'g-1', resourceName: 'ws-g-1', detail: 'status ACTIVE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken, asking for 100 per page', async () => {
    grafana
      .on(ListWorkspacesCommand)
      .resolvesOnce({ workspaces: [], nextToken: 'p2' })
      .resolvesOnce({ workspaces: [{ id: 'g-2', created: AT, modified: AT, endpoint: 'e', grafanaVersion: '10.4', status: 'ACTIVE', authentication: { providers: ['SAML'] } }] });
    grafana.on(DescribeWorkspaceCommand).resolves({ workspace: workspace('g-2', ['sg-late']) });

    const result = await scanAndClassify(grafanaScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(grafana).toHaveReceivedCommandWith(ListWorkspacesCommand, { maxResults: 100, nextToken: 'p2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    grafana.on(ListWorkspacesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(grafanaScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
