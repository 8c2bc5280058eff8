import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { tagKeptGroups } from '../../lambda/aws/keeper';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const clients = () => new ClientFactory({ maxAttempts: 1 }).forRegion('eu-west-1');
const TAGS = { 'sg-auditor:kept-until': '2027-01-31', 'sg-auditor:kept-reason': 'batch' };

beforeEach(() => {
  ec2.reset();
  ec2.on(CreateTagsCommand).resolves({});
});

describe('tagKeptGroups', () => {
  it('tags the kept groups with the two keep tags in one call per 200 groups', async () => {
    // Prepare
    const ids = Array.from({ length: 450 }, (_, i) => `sg-${i.toString(16).padStart(8, '0')}`);

    // Act
    const outcome = await tagKeptGroups(clients(), ids, TAGS);

    // Assess
    expect(outcome).toEqual({ tagged: ids, failed: [] });
    expect(ec2).toHaveReceivedCommandTimes(CreateTagsCommand, 3);
    expect(ec2).toHaveReceivedCommandWith(CreateTagsCommand, {
      Tags: [
        { Key: 'sg-auditor:kept-until', Value: '2027-01-31' },
        { Key: 'sg-auditor:kept-reason', Value: 'batch' },
      ],
    });
  });

  it('retries a failed chunk group by group, so one gone group leaves the others tagged', async () => {
    // Prepare
    ec2.on(CreateTagsCommand, { Resources: ['sg-0a', 'sg-0b'] }).rejects(awsError('InvalidGroup.NotFound', 'sg-0b does not exist'));
    ec2.on(CreateTagsCommand, { Resources: ['sg-0b'] }).rejects(awsError('InvalidGroup.NotFound', 'sg-0b does not exist'));

    // Act
    const outcome = await tagKeptGroups(clients(), ['sg-0a', 'sg-0b'], TAGS);

    // Assess
    expect(outcome).toEqual({ tagged: ['sg-0a'], failed: [{ groupId: 'sg-0b', code: 'InvalidGroup.NotFound', message: 'sg-0b does not exist' }] });
  });
});
