import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient, type FileSystemDescription } from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { efsScanner } from '../../../lambda/aws/scanners/efs';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const efs = mockClient(EFSClient);
const ec2 = mockClient(EC2Client);

function fileSystem(id: string, mountTargets = 1): FileSystemDescription {
  return {
    FileSystemId: id,
    FileSystemArn: `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${id}`,
    Name: 'shared-home',
    OwnerId: '123456789012',
    CreationToken: id,
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    LifeCycleState: 'available',
    NumberOfMountTargets: mountTargets,
    SizeInBytes: { Value: 0 },
    PerformanceMode: 'generalPurpose',
    Tags: [],
  };
}

beforeEach(() => {
  efs.reset();
  ec2.reset();
  efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [fileSystem('fs-1')] });
  efs.on(DescribeMountTargetsCommand).resolves({
    MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: 'fs-1', SubnetId: 'subnet-1', LifeCycleState: 'available', NetworkInterfaceId: 'eni-mt1', AvailabilityZoneName: 'us-east-1a' }],
  });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-mt1', Groups: [{ GroupId: 'sg-used' }] }] });
});

describe('efs scanner', () => {
  it('marks a group on a mount target as in use, naming the mount target and its file system', async () => {
    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'efs', resourceType: 'EFS mount target', resourceId: 'fsmt-1', resourceName: 'shared-home (fs-1)' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads the mount targets\u2019 groups from the region\u2019s interface listing, not one call per mount target', async () => {
    // Prepare
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [fileSystem('fs-1'), fileSystem('fs-2')] });
    efs.on(DescribeMountTargetsCommand, { FileSystemId: 'fs-2' }).resolves({
      MountTargets: [{ MountTargetId: 'fsmt-2', FileSystemId: 'fs-2', SubnetId: 'subnet-2', LifeCycleState: 'available', NetworkInterfaceId: 'eni-mt2' }],
    });
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-mt1', Groups: [{ GroupId: 'sg-used' }] },
        { NetworkInterfaceId: 'eni-mt2', Groups: [{ GroupId: 'sg-two' }] },
      ],
    });

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-used'), group('sg-two')]);

    // Assess
    expect(result.verdictOf('sg-two').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { MaxResults: 1000, IncludeManagedResources: true });
    expect(result.scan.sharedListings).toEqual(['ec2:network-interfaces']);
  });

  it('skips the mount-target listing for file systems that have none', async () => {
    // Prepare
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [fileSystem('fs-empty', 0)] });

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-free')]);

    // Assess
    expect(efs).not.toHaveReceivedCommand(DescribeMountTargetsCommand);
    expect(ec2).not.toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextMarker to the last page of file systems and of mount targets', async () => {
    // Prepare
    efs.on(DescribeFileSystemsCommand).resolvesOnce({ FileSystems: [], NextMarker: 'fs-page-2' }).resolvesOnce({ FileSystems: [fileSystem('fs-1')] });
    efs
      .on(DescribeMountTargetsCommand)
      .resolvesOnce({ MountTargets: [], NextMarker: 'mt-page-2' })
      .resolvesOnce({ MountTargets: [{ MountTargetId: 'fsmt-1', FileSystemId: 'fs-1', SubnetId: 's', LifeCycleState: 'available', NetworkInterfaceId: 'eni-mt1' }] });

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-used')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(efs).toHaveReceivedNthCommandWith(2, DescribeFileSystemsCommand, { Marker: 'fs-page-2', MaxItems: 100 });
    expect(efs).toHaveReceivedCommandWith(DescribeMountTargetsCommand, { FileSystemId: 'fs-1', Marker: 'mt-page-2' });
  });

  it('fails the scan when a live mount target\u2019s interface cannot be read', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-used')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('EfsMountTargetInterfaceError');
    expect(result.verdictOf('sg-used').verdict).toBe('unknown');
  });

  it('asks by id for the interface of a mount target that carries no audited group, and reports it without failing', async () => {
    // Prepare: the shared listing asks by the audited groups, so it does not hold eni-mt1.
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2.on(DescribeNetworkInterfacesCommand, { NetworkInterfaceIds: ['eni-mt1'], IncludeManagedResources: true }).resolves({
      NetworkInterfaces: [{ NetworkInterfaceId: 'eni-mt1', Groups: [{ GroupId: 'sg-created-after-the-inventory' }] }],
    });

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { NetworkInterfaceIds: ['eni-mt1'], IncludeManagedResources: true });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('fails the scan when the interface asked for by id does not exist', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2.on(DescribeNetworkInterfacesCommand, { NetworkInterfaceIds: ['eni-mt1'], IncludeManagedResources: true }).rejects(awsError('InvalidNetworkInterfaceID.NotFound'));

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-used')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('EfsMountTargetInterfaceError');
    expect(result.verdictOf('sg-used').verdict).toBe('unknown');
  });

  it('passes over a file system deleted between the two listings', async () => {
    // Prepare
    efs.on(DescribeMountTargetsCommand).rejects(awsError('FileSystemNotFound'));

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).rejects(awsError('UnauthorizedOperation'));

    // Act
    const result = await scanAndClassify(efsScanner, [group('sg-used')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-used').verdict).toBe('unknown');
    expect(result.verdictOf('sg-used').failedSources).toEqual(['efs']);
  });
});
