import { ListPrincipalsCommand, ListResourcesCommand, RAMClient } from '@aws-sdk/client-ram';
import { mockClient } from 'aws-sdk-client-mock';
import { ramSharesScanner } from '../../../lambda/aws/scanners/ram-shares';
import { ACCOUNT, awsError, group, REGION, scanAndClassify } from '../../helpers/scanner-harness';

const ram = mockClient(RAMClient);

const SHARE = `arn:aws:ram:${REGION}:${ACCOUNT}:resource-share/11111111-2222-3333-4444-555555555555`;

function sgArn(groupId: string, region = REGION): string {
  return `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${groupId}`;
}

beforeEach(() => {
  ram.reset();
  ram.on(ListPrincipalsCommand).resolves({ principals: [] });
  ram.on(ListResourcesCommand).resolves({ resources: [] });
});

describe('ram-shares scanner', () => {
  it('marks a group shared only through RAM as in use, naming the share and its principals', async () => {
    // Prepare
    ram.on(ListPrincipalsCommand).resolves({
      principals: [
        { id: '111122223333', resourceShareArn: SHARE },
        { id: '444455556666', resourceShareArn: SHARE },
      ],
    });
    ram.on(ListResourcesCommand).resolves({
      resources: [{ arn: sgArn('sg-0aaa1111'), type: 'ec2:SecurityGroup', resourceShareArn: SHARE, status: 'AVAILABLE' }],
    });

    // Act
    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111'), group('sg-0bbb2222')]);

    // Assess
    const shared = result.verdictOf('sg-0aaa1111');
    expect(shared.verdict).toBe('in-use');
    expect(shared.usages[0]).toMatchObject({ source: 'ram-shares', resourceType: 'RAM resource share', resourceId: SHARE });
    expect(shared.usages[0]?.detail).toContain('111122223333, 444455556666');
    expect(result.verdictOf('sg-0bbb2222').verdict).toBe('candidate');
  });

  it('lists only security groups this account shares, 500 per page', async () => {
    await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    const filter = { resourceOwner: 'SELF', resourceType: 'ec2:SecurityGroup', maxResults: 500 };
    expect(ram).toHaveReceivedCommandWith(ListResourcesCommand, filter);
    expect(ram).toHaveReceivedCommandWith(ListPrincipalsCommand, filter);
  });

  it('follows nextToken to the last page of shared resources', async () => {
    ram
      .on(ListResourcesCommand)
      .resolvesOnce({ resources: [], nextToken: 'page-2' })
      .resolvesOnce({ resources: [{ arn: sgArn('sg-0ccc3333'), resourceShareArn: SHARE, status: 'AVAILABLE' }] });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0ccc3333')]);

    expect(result.verdictOf('sg-0ccc3333').verdict).toBe('in-use');
    expect(ram).toHaveReceivedCommandTimes(ListResourcesCommand, 2);
    expect(ram).toHaveReceivedNthSpecificCommandWith(2, ListResourcesCommand, { nextToken: 'page-2', maxResults: 500 });
  });

  it('follows nextToken to the last page of principals', async () => {
    ram
      .on(ListPrincipalsCommand)
      .resolvesOnce({ principals: [{ id: '111122223333', resourceShareArn: SHARE }], nextToken: 'p-2' })
      .resolvesOnce({ principals: [{ id: 'arn:aws:organizations::999999999999:ou/o-abc/ou-abc-123', resourceShareArn: SHARE }] });
    ram.on(ListResourcesCommand).resolves({ resources: [{ arn: sgArn('sg-0aaa1111'), resourceShareArn: SHARE, status: 'AVAILABLE' }] });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    expect(result.verdictOf('sg-0aaa1111').usages[0]?.detail).toContain('111122223333, arn:aws:organizations::999999999999:ou/o-abc/ou-abc-123');
    expect(ram).toHaveReceivedNthSpecificCommandWith(2, ListPrincipalsCommand, { nextToken: 'p-2' });
  });

  it('counts a pending or unavailable share as in use, showing its status', async () => {
    ram.on(ListResourcesCommand).resolves({
      resources: [
        { arn: sgArn('sg-0aaa1111'), resourceShareArn: SHARE, status: 'PENDING' },
        { arn: sgArn('sg-0bbb2222'), resourceShareArn: SHARE, status: 'UNAVAILABLE', statusMessage: 'association failed' },
      ],
    });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111'), group('sg-0bbb2222')]);

    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('in-use');
    expect(result.verdictOf('sg-0aaa1111').usages[0]?.detail).toContain('PENDING');
    expect(result.verdictOf('sg-0bbb2222').verdict).toBe('in-use');
  });

  it('says when a share lists no principal, and still counts the group as in use', async () => {
    ram.on(ListResourcesCommand).resolves({ resources: [{ arn: sgArn('sg-0aaa1111'), resourceShareArn: SHARE, status: 'AVAILABLE' }] });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('in-use');
    expect(result.verdictOf('sg-0aaa1111').usages[0]?.detail).toContain('no principal listed');
  });

  it('shows at most five principals and counts the rest', async () => {
    const ids = ['100000000001', '100000000002', '100000000003', '100000000004', '100000000005', '100000000006', '100000000007'];
    ram.on(ListPrincipalsCommand).resolves({ principals: ids.map((id) => ({ id, resourceShareArn: SHARE })) });
    ram.on(ListResourcesCommand).resolves({ resources: [{ arn: sgArn('sg-0aaa1111'), resourceShareArn: SHARE, status: 'AVAILABLE' }] });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    const detail = result.verdictOf('sg-0aaa1111').usages[0]?.detail;
    expect(detail).toContain('100000000005 (+2 more)');
    expect(detail).not.toContain('100000000006');
  });

  it('ignores resources of other types and security groups of another region', async () => {
    ram.on(ListResourcesCommand).resolves({
      resources: [
        { arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0aaa1111`, type: 'ec2:Subnet', resourceShareArn: SHARE },
        { arn: sgArn('sg-0ddd4444', 'eu-west-1'), type: 'ec2:SecurityGroup', resourceShareArn: SHARE },
      ],
    });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    expect(result.scan.status).toBe('ok');
    expect(result.scan.usages).toEqual([]);
    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('candidate');
  });

  it('fails closed on a security group entry whose ARN cannot be read', async () => {
    ram.on(ListResourcesCommand).resolves({ resources: [{ arn: 'sg-0aaa1111', type: 'ec2:SecurityGroup', resourceShareArn: SHARE }] });

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ram.on(ListPrincipalsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111')]);

    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('AccessDeniedException');
    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('unknown');
    expect(result.verdictOf('sg-0aaa1111').failedSources).toEqual(['ram-shares']);
  });

  it('keeps the shares read before throttling ran out as evidence', async () => {
    ram
      .on(ListResourcesCommand)
      .resolvesOnce({ resources: [{ arn: sgArn('sg-0aaa1111'), resourceShareArn: SHARE, status: 'AVAILABLE' }], nextToken: 'p2' })
      .rejectsOnce(awsError('ThrottlingException'));

    const result = await scanAndClassify(ramSharesScanner, [group('sg-0aaa1111'), group('sg-0bbb2222')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('in-use');
    expect(result.verdictOf('sg-0bbb2222').verdict).toBe('unknown');
  });
});
