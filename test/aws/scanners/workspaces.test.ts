import { DescribeWorkspaceDirectoriesCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { mockClient } from 'aws-sdk-client-mock';
import { workspacesScanner } from '../../../lambda/aws/scanners/workspaces';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const workspaces = mockClient(WorkSpacesClient);

beforeEach(() => workspaces.reset());

describe('workspaces scanner', () => {
  it("marks a directory's WorkSpaces group as in use, naming the directory, and leaves another group a candidate", async () => {
    // Prepare
    workspaces.on(DescribeWorkspaceDirectoriesCommand).resolves({
      Directories: [
        {
          DirectoryId: 'd-9067a1b2c3',
          DirectoryName: 'corp.example.com',
          State: 'REGISTERED',
          WorkspaceSecurityGroupId: 'sg-used',
        },
      ],
    });

    // Act
    const result = await scanAndClassify(workspacesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'workspaces',
      resourceType: 'WorkSpaces directory',
      resourceId: 'd-9067a1b2c3',
      resourceName: 'corp.example.com',
      detail: 'state REGISTERED, WorkSpaces security group',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks the custom group that new WorkSpaces get by default as in use', async () => {
    workspaces.on(DescribeWorkspaceDirectoriesCommand).resolves({
      Directories: [
        {
          DirectoryId: 'd-9067a1b2c3',
          State: 'REGISTERED',
          WorkspaceSecurityGroupId: 'sg-service',
          WorkspaceCreationProperties: { CustomSecurityGroupId: 'sg-custom' },
        },
      ],
    });

    const result = await scanAndClassify(workspacesScanner, [group('sg-custom')]);

    expect(result.verdictOf('sg-custom').verdict).toBe('in-use');
    expect(result.verdictOf('sg-custom').usages[0]?.detail).toContain('default custom security group');
  });

  it('follows NextToken to the last page, asking for 25 directories per page', async () => {
    workspaces
      .on(DescribeWorkspaceDirectoriesCommand)
      .resolvesOnce({ Directories: [], NextToken: 'page-2' })
      .resolvesOnce({ Directories: [{ DirectoryId: 'd-late', WorkspaceSecurityGroupId: 'sg-late' }] });

    const result = await scanAndClassify(workspacesScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.apiCalls).toBe(2);
    expect(workspaces).toHaveReceivedNthCommandWith(1, DescribeWorkspaceDirectoriesCommand, { Limit: 25 });
    expect(workspaces).toHaveReceivedNthCommandWith(2, DescribeWorkspaceDirectoriesCommand, { Limit: 25, NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    workspaces.on(DescribeWorkspaceDirectoriesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(workspacesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
