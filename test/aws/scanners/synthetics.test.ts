import {
  DescribeCanariesCommand as DescribeCanariesSdkCommand,
  SyntheticsClient,
  type DescribeCanariesCommandInput,
  type DescribeCanariesCommandOutput,
} from '@aws-sdk/client-synthetics';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { syntheticsScanner } from '../../../lambda/aws/scanners/synthetics';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// client-synthetics ships its own @smithy/types, which aws-sdk-client-mock's types do not accept: cast.
const DescribeCanariesCommand = DescribeCanariesSdkCommand as unknown as new (
  input: DescribeCanariesCommandInput,
) => AwsCommand<DescribeCanariesCommandInput, DescribeCanariesCommandOutput & { $metadata: object }>;
const synthetics = mockClient(SyntheticsClient as unknown as Parameters<typeof mockClient>[0]);

function canary(name: string, groups: string[]) {
  return { Id: `id-${name}`, Name: name, Status: { State: 'STOPPED' as const }, VpcConfig: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: groups } };
}

beforeEach(() => synthetics.reset());

describe('synthetics scanner', () => {
  it('marks a group held only by a stopped canary in a VPC as in use, naming the canary', async () => {
    // Prepare
    synthetics.on(DescribeCanariesCommand).resolves({ Canaries: [canary('checkout', ['sg-canary'])] });

    // Act
    const result = await scanAndClassify(syntheticsScanner, [group('sg-canary'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-canary').verdict).toBe('in-use');
    expect(result.verdictOf('sg-canary').usages[0]).toMatchObject({ source: 'synthetics', resourceType: 'Synthetics canary', resourceId: 'id-checkout', resourceName: 'checkout', detail: 'state STOPPED' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken, asking for 20 per page', async () => {
    synthetics.on(DescribeCanariesCommand).resolvesOnce({ Canaries: [], NextToken: 'page' }).resolvesOnce({ Canaries: [canary('late', ['sg-late'])] });

    const result = await scanAndClassify(syntheticsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(synthetics).toHaveReceivedCommandWith(DescribeCanariesCommand, { MaxResults: 20, NextToken: 'page' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    synthetics.on(DescribeCanariesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(syntheticsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
