import { DataZoneClient, ListConnectionsCommand, ListDomainsCommand, ListProjectsCommand } from '@aws-sdk/client-datazone';
import { mockClient } from 'aws-sdk-client-mock';
import { datazoneScanner } from '../../../lambda/aws/scanners/datazone';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const dz = mockClient(DataZoneClient);
const AT = new Date('2026-01-01T00:00:00Z');

function connection(id: string, groups: string[], projectId?: string) {
  return {
    connectionId: id,
    domainId: 'dzd_1',
    domainUnitId: 'du1',
    name: `conn-${id}`,
    type: 'POSTGRESQL' as const,
    ...(projectId ? { projectId } : {}),
    physicalEndpoints: [{ glueConnection: { name: `glue-${id}`, physicalConnectionRequirements: { subnetId: 'subnet-1', securityGroupIdList: groups, availabilityZone: 'us-east-1a' } } }],
  };
}

beforeEach(() => {
  dz.reset();
  dz.on(ListDomainsCommand).resolves({ items: [{ id: 'dzd_1', name: 'lake', arn: 'arn:aws:datazone:us-east-1:123456789012:domain/dzd_1', managedAccountId: '123456789012', status: 'AVAILABLE', createdAt: AT }] });
  dz.on(ListProjectsCommand).resolves({ items: [{ id: 'prj1', name: 'sales', domainId: 'dzd_1', createdBy: 'u', createdAt: AT }] });
  dz.on(ListConnectionsCommand).resolves({ items: [] });
});

describe('datazone scanner', () => {
  it('marks a group held only by a project connection as in use, naming the connection', async () => {
    // Prepare
    dz.on(ListConnectionsCommand, { domainIdentifier: 'dzd_1', projectIdentifier: 'prj1' }).resolves({ items: [connection('c1', ['sg-db'], 'prj1')] });

    // Act
    const result = await scanAndClassify(datazoneScanner, [group('sg-db'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-db').verdict).toBe('in-use');
    expect(result.verdictOf('sg-db').usages[0]).toMatchObject({
      source: 'datazone',
      resourceType: 'DataZone connection',
      resourceId: 'dzd_1/c1',
      resourceName: 'conn-c1',
      detail: 'POSTGRESQL, domain lake, project prj1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads domain-scoped connections too', async () => {
    dz.on(ListConnectionsCommand, { domainIdentifier: 'dzd_1', scope: 'DOMAIN' }).resolves({ items: [connection('c0', ['sg-domain'])] });

    const result = await scanAndClassify(datazoneScanner, [group('sg-domain')]);

    expect(result.verdictOf('sg-domain').verdict).toBe('in-use');
  });

  it('follows nextToken on domains, projects and connections at their maximum page sizes', async () => {
    dz.on(ListDomainsCommand).resolvesOnce({ items: [], nextToken: 'd2' }).resolvesOnce({ items: [{ id: 'dzd_1', name: 'lake', arn: 'a', managedAccountId: '1', status: 'AVAILABLE', createdAt: AT }] });
    dz.on(ListProjectsCommand).resolvesOnce({ items: [], nextToken: 'p2' }).resolvesOnce({ items: [{ id: 'prj1', name: 's', domainId: 'dzd_1', createdBy: 'u' }] });
    dz.on(ListConnectionsCommand, { domainIdentifier: 'dzd_1', projectIdentifier: 'prj1' })
      .resolvesOnce({ items: [], nextToken: 'c2' })
      .resolvesOnce({ items: [connection('late', ['sg-late'], 'prj1')] });

    const result = await scanAndClassify(datazoneScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(dz).toHaveReceivedCommandWith(ListDomainsCommand, { maxResults: 25, nextToken: 'd2' });
    expect(dz).toHaveReceivedCommandWith(ListProjectsCommand, { domainIdentifier: 'dzd_1', maxResults: 50, nextToken: 'p2' });
    expect(dz).toHaveReceivedCommandWith(ListConnectionsCommand, { domainIdentifier: 'dzd_1', projectIdentifier: 'prj1', maxResults: 50, nextToken: 'c2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    dz.on(ListConnectionsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(datazoneScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
