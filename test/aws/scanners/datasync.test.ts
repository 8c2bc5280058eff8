import {
  DataSyncClient,
  DescribeAgentCommand,
  DescribeLocationEfsCommand,
  DescribeLocationFsxLustreCommand,
  DescribeLocationFsxOntapCommand,
  DescribeLocationFsxOpenZfsCommand,
  DescribeLocationFsxWindowsCommand,
  ListAgentsCommand,
  ListLocationsCommand,
} from '@aws-sdk/client-datasync';
import { mockClient } from 'aws-sdk-client-mock';
import { datasyncScanner } from '../../../lambda/aws/scanners/datasync';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ds = mockClient(DataSyncClient);
const ARN = 'arn:aws:datasync:us-east-1:123456789012';
const SG = (id: string) => `arn:aws:ec2:us-east-1:123456789012:security-group/${id}`;

beforeEach(() => {
  ds.reset();
  ds.on(ListAgentsCommand).resolves({ Agents: [] });
  ds.on(ListLocationsCommand).resolves({ Locations: [] });
});

describe('datasync scanner', () => {
  it('marks a group held (as an ARN) only by an agent in VPC endpoint mode as in use, naming the agent', async () => {
    // Prepare
    ds.on(ListAgentsCommand).resolves({ Agents: [{ AgentArn: `${ARN}:agent/agent-1`, Name: 'onprem', Status: 'ONLINE' }] });
    ds.on(DescribeAgentCommand, { AgentArn: `${ARN}:agent/agent-1` }).resolves({
      AgentArn: `${ARN}:agent/agent-1`,
      Name: 'onprem',
      Status: 'ONLINE',
      EndpointType: 'PRIVATE_LINK',
      PrivateLinkConfig: { VpcEndpointId: 'vpce-1', PrivateLinkEndpoint: '10.0.0.5', SubnetArns: [`arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1`], SecurityGroupArns: [SG('sg-0a0a0a0a')] },
    });

    // Act
    const result = await scanAndClassify(datasyncScanner, [group('sg-0a0a0a0a'), group('sg-0f0f0f0f')]);

    // Assess
    expect(result.verdictOf('sg-0a0a0a0a').verdict).toBe('in-use');
    expect(result.verdictOf('sg-0a0a0a0a').usages[0]).toMatchObject({
      source: 'datasync',
      resourceType: 'DataSync agent',
      resourceId: `${ARN}:agent/agent-1`,
      resourceName: 'onprem',
      detail: 'status ONLINE, PRIVATE_LINK endpoint',
    });
    expect(result.verdictOf('sg-0f0f0f0f').verdict).toBe('candidate');
  });

  it('reads the groups of EFS and every FSx location kind, and no Describe for S3 or NFS locations', async () => {
    ds.on(ListLocationsCommand).resolves({
      Locations: [
        { LocationArn: `${ARN}:location/loc-efs`, LocationUri: 'efs://us-east-1.fs-1/' },
        { LocationArn: `${ARN}:location/loc-fsxw`, LocationUri: 'fsxw://us-east-1.fs-2/share/' },
        { LocationArn: `${ARN}:location/loc-fsxl`, LocationUri: 'fsxl://us-east-1.fs-3/' },
        { LocationArn: `${ARN}:location/loc-fsxz`, LocationUri: 'fsxz://us-east-1.fs-4/fsx/' },
        { LocationArn: `${ARN}:location/loc-fsxn`, LocationUri: 'fsxn://us-east-1.fs-5/vol/' },
        { LocationArn: `${ARN}:location/loc-s3`, LocationUri: 's3://bucket/' },
        { LocationArn: `${ARN}:location/loc-nfs`, LocationUri: 'nfs://10.0.0.9/export/' },
      ],
    });
    ds.on(DescribeLocationEfsCommand).resolves({ Ec2Config: { SubnetArn: 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1', SecurityGroupArns: [SG('sg-00000001')] } });
    ds.on(DescribeLocationFsxWindowsCommand).resolves({ SecurityGroupArns: [SG('sg-00000002')] });
    ds.on(DescribeLocationFsxLustreCommand).resolves({ SecurityGroupArns: [SG('sg-00000003')] });
    ds.on(DescribeLocationFsxOpenZfsCommand).resolves({ SecurityGroupArns: [SG('sg-00000004')] });
    ds.on(DescribeLocationFsxOntapCommand).resolves({ SecurityGroupArns: [SG('sg-00000005')] });

    const result = await scanAndClassify(datasyncScanner, ['sg-00000001', 'sg-00000002', 'sg-00000003', 'sg-00000004', 'sg-00000005'].map((id) => group(id)));

    for (const id of ['sg-00000001', 'sg-00000002', 'sg-00000003', 'sg-00000004', 'sg-00000005']) expect(result.verdictOf(id).verdict).toBe('in-use');
    expect(result.verdictOf('sg-00000001').usages[0]).toMatchObject({ resourceType: 'DataSync EFS location', resourceId: `${ARN}:location/loc-efs` });
    expect(result.verdictOf('sg-00000005').usages[0]).toMatchObject({ resourceType: 'DataSync FSx location', resourceName: 'fsxn://us-east-1.fs-5/vol/' });
    expect(result.apiCalls).toBe(2 + 5);
  });

  it('fails closed on an FSx location of a kind it cannot read', async () => {
    ds.on(ListLocationsCommand).resolves({ Locations: [{ LocationArn: `${ARN}:location/loc-new`, LocationUri: 'fsxq://us-east-1.fs-9/' }] });

    const result = await scanAndClassify(datasyncScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('follows NextToken, asking for 100 per page', async () => {
    ds.on(ListLocationsCommand).resolvesOnce({ Locations: [], NextToken: 'p2' }).resolvesOnce({ Locations: [{ LocationArn: `${ARN}:location/late`, LocationUri: 'efs://us-east-1.fs-1/' }] });
    ds.on(DescribeLocationEfsCommand).resolves({ Ec2Config: { SubnetArn: 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1', SecurityGroupArns: [SG('sg-0000000a')] } });

    const result = await scanAndClassify(datasyncScanner, [group('sg-0000000a')]);

    expect(result.verdictOf('sg-0000000a').verdict).toBe('in-use');
    expect(ds).toHaveReceivedCommandWith(ListLocationsCommand, { MaxResults: 100, NextToken: 'p2' });
    expect(ds).toHaveReceivedCommandWith(ListAgentsCommand, { MaxResults: 100 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ds.on(ListAgentsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(datasyncScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
