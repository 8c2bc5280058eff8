import { groupIdOfRef } from '../../lambda/core/group-ref';
import { group, scanAndClassify } from '../helpers/scanner-harness';
import type { Scanner } from '../../lambda/aws/scanners/types';

describe('groupIdOfRef', () => {
  it('returns a group id unchanged', () => {
    expect(groupIdOfRef('sg-0123456789abcdef0')).toBe('sg-0123456789abcdef0');
  });

  it('reads the id out of a security-group ARN', () => {
    expect(groupIdOfRef('arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0')).toBe('sg-0123456789abcdef0');
  });

  it('reads the id out of an ARN of another partition, written in capitals', () => {
    expect(groupIdOfRef('ARN:AWS-CN:EC2:CN-NORTH-1:123456789012:SECURITY-GROUP/SG-0123ABCD')).toBe('sg-0123abcd');
  });

  it('leaves an ARN of another resource type unchanged', () => {
    const subnet = 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123abcd';
    expect(groupIdOfRef(subnet)).toBe(subnet);
  });
});

describe('a scanner that reports a group by its ARN', () => {
  const byArn: Scanner = {
    source: 'glue',
    actions: [],
    async scan(_clients, _region, ctx) {
      ctx.found(['arn:aws:ec2:us-east-1:123456789012:security-group/sg-0000000a'], { resourceType: 'test resource', resourceId: 'r-1' });
    },
  };

  it('makes the group in use, never a candidate', async () => {
    const { verdictOf } = await scanAndClassify(byArn, [group('sg-0000000a'), group('sg-0000000b')]);

    expect(verdictOf('sg-0000000a').verdict).toBe('in-use');
    expect(verdictOf('sg-0000000a').usages[0]).toMatchObject({ groupId: 'sg-0000000a', resourceId: 'r-1' });
    expect(verdictOf('sg-0000000b').verdict).toBe('candidate');
  });
});
