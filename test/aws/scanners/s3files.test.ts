import { GetMountTargetCommand, ListMountTargetsCommand, S3FilesClient } from '@aws-sdk/client-s3files';
import { mockClient } from 'aws-sdk-client-mock';
import { s3filesScanner } from '../../../lambda/aws/scanners/s3files';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const s3files = mockClient(S3FilesClient);
const FS = 'fs-0123456789abcdef01';

function listed(mountTargetId: string, status: 'available' | 'deleted' = 'available') {
  return { mountTargetId, fileSystemId: FS, ownerId: '123456789012', subnetId: 'subnet-1', status };
}

beforeEach(() => s3files.reset());

describe('s3files scanner', () => {
  it('marks a group of a mount target as in use, naming the mount target and its file system', async () => {
    // Prepare
    s3files.on(ListMountTargetsCommand).resolves({ mountTargets: [listed('fsmt-0123456789abcdef01')] });
    s3files.on(GetMountTargetCommand, { mountTargetId: 'fsmt-0123456789abcdef01' }).resolves({
      mountTargetId: 'fsmt-0123456789abcdef01',
      fileSystemId: FS,
      ownerId: '123456789012',
      subnetId: 'subnet-1',
      networkInterfaceId: 'eni-1',
      securityGroups: ['sg-used'],
      status: 'available',
    });

    // Act
    const result = await scanAndClassify(s3filesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 's3files',
      resourceType: 'S3 Files mount target',
      resourceId: 'fsmt-0123456789abcdef01',
      detail: `file system ${FS}, status available`,
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 mount targets per page, follows nextToken and skips deleted ones', async () => {
    s3files
      .on(ListMountTargetsCommand)
      .resolvesOnce({ mountTargets: [listed('fsmt-gone', 'deleted')], nextToken: 'page-2' })
      .resolvesOnce({ mountTargets: [listed('fsmt-late')] });
    s3files.on(GetMountTargetCommand).resolves({ mountTargetId: 'fsmt-late', ownerId: '123456789012', subnetId: 'subnet-1', securityGroups: ['sg-late'] });

    const result = await scanAndClassify(s3filesScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(s3files).toHaveReceivedNthCommandWith(1, ListMountTargetsCommand, { maxResults: 100 });
    expect(s3files).toHaveReceivedCommandWith(ListMountTargetsCommand, { maxResults: 100, nextToken: 'page-2' });
    expect(s3files).toHaveReceivedCommandTimes(GetMountTargetCommand, 1);
  });

  it('skips a mount target deleted between the listing and its description', async () => {
    s3files.on(ListMountTargetsCommand).resolves({ mountTargets: [listed('fsmt-1')] });
    s3files.on(GetMountTargetCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(s3filesScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    s3files.on(ListMountTargetsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(s3filesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['s3files']);
  });
});
