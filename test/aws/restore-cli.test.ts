import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { UsageError, type CliIo } from '../../lambda/cli/io';
import { createRestoreCommand } from '../../lambda/cli/restore-command';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const command = createRestoreCommand({ factory: () => new ClientFactory({ maxAttempts: 1 }) });

function io() {
  const out: string[] = [];
  const value: CliIo = { out: (t) => out.push(t), err: () => undefined, prompt: async () => '', env: {}, now: () => new Date() };
  return { io: value, out };
}

async function backupFile(content: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sg-restore-')), 'backup.json');
  await writeFile(path, JSON.stringify(content));
  return path;
}

const backup = {
  schemaVersion: 1,
  auditId: 'a',
  accountId: '123456789012',
  createdAt: 'x',
  groups: [
    {
      region: 'eu-west-3',
      groupId: 'sg-0a1d',
      groupName: 'app',
      description: 'app servers',
      vpcId: 'vpc-1',
      ownerId: '123456789012',
      tags: {},
      ingress: [{ ruleId: 'sgr-1', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroup: { groupId: 'sg-0d0e' } }],
      egress: [{ ruleId: 'sgr-2', isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }],
    },
  ],
};

beforeEach(() => {
  ec2.reset();
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-0ee1' });
});

describe('sg-audit restore', () => {
  it('prints the new id and the rule it could not restore', async () => {
    // Prepare
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('InvalidGroup.NotFound', 'gone'));
    const t = io();

    // Act
    const code = await command(['--backup', await backupFile(backup), '--group', 'sg-0a1d'], t.io);

    // Assess
    expect(code).toBe(1);
    const text = t.out.join('');
    expect(text).toContain('as a NEW group: sg-0ee1');
    expect(text).toContain('tcp 22 from sg-0d0e: InvalidGroup.NotFound: gone');
  });

  it('rejects a file that is not a backup before any call', async () => {
    // Act
    const run = command(['--backup', await backupFile({ hello: 1 }), '--group', 'sg-0a1d'], io().io);

    // Assess
    await expect(run).rejects.toThrow(UsageError);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('rejects a group id that is not in the backup', async () => {
    // Act
    const run = command(['--backup', await backupFile(backup), '--group', 'sg-0ff'], io().io);

    // Assess
    await expect(run).rejects.toThrow(/not in this backup/);
  });
});
