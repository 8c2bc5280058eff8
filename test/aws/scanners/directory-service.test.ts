import { DescribeDirectoriesCommand, DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { mockClient } from 'aws-sdk-client-mock';
import { directoryServiceScanner } from '../../../lambda/aws/scanners/directory-service';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ds = mockClient(DirectoryServiceClient);

beforeEach(() => ds.reset());

describe('directory-service scanner', () => {
  it('marks the domain controllers group of a Managed AD as in use, naming the directory', async () => {
    // Prepare
    ds.on(DescribeDirectoriesCommand).resolves({
      DirectoryDescriptions: [
        {
          DirectoryId: 'd-1234567890',
          Name: 'corp.example.com',
          Type: 'MicrosoftAD',
          Stage: 'Active',
          VpcSettings: { VpcId: 'vpc-1', SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupId: 'sg-used' },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(directoryServiceScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'directory-service',
      resourceType: 'Directory Service directory',
      resourceId: 'd-1234567890',
      resourceName: 'corp.example.com',
      detail: 'MicrosoftAD, stage Active, domain controllers',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for the operation maximum per page (Limit 0) and follows NextToken', async () => {
    ds.on(DescribeDirectoriesCommand)
      .resolvesOnce({ DirectoryDescriptions: [], NextToken: 'page-2' })
      .resolvesOnce({ DirectoryDescriptions: [{ DirectoryId: 'd-late', VpcSettings: { SecurityGroupId: 'sg-late' } }] });

    const result = await scanAndClassify(directoryServiceScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ds).toHaveReceivedNthCommandWith(1, DescribeDirectoriesCommand, { Limit: 0 });
    expect(ds).toHaveReceivedNthCommandWith(2, DescribeDirectoriesCommand, { NextToken: 'page-2' });
  });

  it('marks the groups of an AD Connector and of a shared directory owner', async () => {
    ds.on(DescribeDirectoriesCommand).resolves({
      DirectoryDescriptions: [
        { DirectoryId: 'd-connector', Type: 'ADConnector', Stage: 'Active', ConnectSettings: { SecurityGroupId: 'sg-connector' } },
        {
          DirectoryId: 'd-shared',
          Type: 'SharedMicrosoftAD',
          Stage: 'Active',
          OwnerDirectoryDescription: { DirectoryId: 'd-owner', AccountId: '210987654321', VpcSettings: { SecurityGroupId: 'sg-owner' } },
        },
      ],
    });

    const result = await scanAndClassify(directoryServiceScanner, [group('sg-connector'), group('sg-owner')]);

    expect(result.verdictOf('sg-connector').usages[0]?.detail).toContain('AD Connector');
    expect(result.verdictOf('sg-owner').usages[0]).toMatchObject({ resourceId: 'd-shared' });
    expect(result.verdictOf('sg-owner').usages[0]?.detail).toContain('shared by account 210987654321');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ds.on(DescribeDirectoriesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(directoryServiceScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['directory-service']);
  });
});
