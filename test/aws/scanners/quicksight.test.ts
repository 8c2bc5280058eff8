import { ListVPCConnectionsCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { quicksightScanner } from '../../../lambda/aws/scanners/quicksight';
import { ACCOUNT, awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const qs = mockClient(QuickSightClient);
const ARN = `arn:aws:quicksight:us-east-1:${ACCOUNT}:vpcConnection/vc1`;

function connection(id: string, groups: string[], status: 'CREATION_SUCCESSFUL' | 'DELETED' = 'CREATION_SUCCESSFUL') {
  return { VPCConnectionId: id, Arn: ARN, Name: `conn-${id}`, VPCId: 'vpc-1', SecurityGroupIds: groups, Status: status, AvailabilityStatus: 'AVAILABLE' as const };
}

beforeEach(() => qs.reset());

describe('quicksight scanner', () => {
  it('marks a group held only by a VPC connection as in use, naming the connection, in this account', async () => {
    // Prepare
    qs.on(ListVPCConnectionsCommand, { AwsAccountId: ACCOUNT }).resolves({ VPCConnectionSummaries: [connection('vc1', ['sg-qs'])], Status: 200 });

    // Act
    const result = await scanAndClassify(quicksightScanner, [group('sg-qs'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-qs').verdict).toBe('in-use');
    expect(result.verdictOf('sg-qs').usages[0]).toMatchObject({ source: 'quicksight', resourceType: 'QuickSight VPC connection', resourceId: ARN, resourceName: 'conn-vc1', detail: 'status CREATION_SUCCESSFUL, AVAILABLE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('ignores deleted connections', async () => {
    qs.on(ListVPCConnectionsCommand).resolves({ VPCConnectionSummaries: [connection('old', ['sg-old'], 'DELETED')] });

    const result = await scanAndClassify(quicksightScanner, [group('sg-old')]);

    expect(result.verdictOf('sg-old').verdict).toBe('candidate');
  });

  it('follows NextToken, asking for 100 per page', async () => {
    qs.on(ListVPCConnectionsCommand).resolvesOnce({ VPCConnectionSummaries: [], NextToken: 'p2' }).resolvesOnce({ VPCConnectionSummaries: [connection('late', ['sg-late'])] });

    const result = await scanAndClassify(quicksightScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(qs).toHaveReceivedCommandWith(ListVPCConnectionsCommand, { AwsAccountId: ACCOUNT, MaxResults: 100, NextToken: 'p2' });
  });

  it('reads an account never subscribed to QuickSight as having no VPC connections, with a note', async () => {
    qs.on(ListVPCConnectionsCommand).rejects(awsError('UnsupportedUserEditionException', `Account ${ACCOUNT} is not subscribed for QuickSight`));

    const result = await scanAndClassify(quicksightScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.scan.note).toContain('QuickSight not subscribed');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('fails closed on any other ResourceNotFoundException', async () => {
    qs.on(ListVPCConnectionsCommand).rejects(awsError('ResourceNotFoundException', 'Namespace default not found'));

    const result = await scanAndClassify(quicksightScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    qs.on(ListVPCConnectionsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(quicksightScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
