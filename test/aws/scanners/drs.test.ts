import {
  DescribeReplicationConfigurationTemplatesCommand as DescribeTemplatesCommandClass,
  DescribeSourceServersCommand as DescribeSourceServersCommandClass,
  DrsClient,
  GetReplicationConfigurationCommand as GetReplicationConfigurationCommandClass,
  type DescribeReplicationConfigurationTemplatesCommandInput,
  type DescribeReplicationConfigurationTemplatesCommandOutput,
  type DescribeSourceServersCommandInput,
  type DescribeSourceServersCommandOutput,
  type GetReplicationConfigurationCommandInput,
  type GetReplicationConfigurationCommandOutput,
} from '@aws-sdk/client-drs';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { drsScanner } from '../../../lambda/aws/scanners/drs';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// The registry offers @aws-sdk/client-drs only at 3.523, which bundles its own @smithy/types that
// aws-sdk-client-mock's types reject (the runtime works): these casts only re-type the classes.
type CommandCtor<I extends object, O extends object> = new (input: I) => AwsCommand<I, O & { $metadata: object }>;
const DescribeReplicationConfigurationTemplatesCommand = DescribeTemplatesCommandClass as unknown as CommandCtor<
  DescribeReplicationConfigurationTemplatesCommandInput,
  DescribeReplicationConfigurationTemplatesCommandOutput
>;
const DescribeSourceServersCommand = DescribeSourceServersCommandClass as unknown as CommandCtor<DescribeSourceServersCommandInput, DescribeSourceServersCommandOutput>;
const GetReplicationConfigurationCommand = GetReplicationConfigurationCommandClass as unknown as CommandCtor<
  GetReplicationConfigurationCommandInput,
  GetReplicationConfigurationCommandOutput
>;
const client = mockClient(DrsClient as unknown as Parameters<typeof mockClient>[0]);

const TEMPLATE_ARN = 'arn:aws:drs:us-east-1:123456789012:replication-configuration-template/rct-0123456789abcdef0';
const SERVER_ARN = 'arn:aws:drs:us-east-1:123456789012:source-server/s-0123456789abcdef0';

beforeEach(() => {
  client.reset();
  client.on(DescribeReplicationConfigurationTemplatesCommand).resolves({ items: [] });
  client.on(DescribeSourceServersCommand).resolves({ items: [] });
});

describe('drs scanner', () => {
  it('marks a group used only by a replication template as in use, naming the template', async () => {
    // Prepare
    client.on(DescribeReplicationConfigurationTemplatesCommand).resolves({
      items: [{ replicationConfigurationTemplateID: 'rct-0123456789abcdef0', arn: TEMPLATE_ARN, replicationServersSecurityGroupsIDs: ['sg-used'] }],
    });

    // Act
    const result = await scanAndClassify(drsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'drs', resourceType: 'DRS replication template', resourceId: TEMPLATE_ARN, resourceName: 'rct-0123456789abcdef0' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it("marks a group used only by a source server's own replication settings as in use, naming the server", async () => {
    // Prepare
    client.on(DescribeSourceServersCommand).resolves({
      items: [{ sourceServerID: 's-0123456789abcdef0', arn: SERVER_ARN, sourceProperties: { identificationHints: { hostname: 'erp-db-01' } }, dataReplicationInfo: { dataReplicationState: 'PAUSED' } }],
    });
    client.on(GetReplicationConfigurationCommand, { sourceServerID: 's-0123456789abcdef0' }).resolves({ sourceServerID: 's-0123456789abcdef0', replicationServersSecurityGroupsIDs: ['sg-server'] });

    // Act
    const result = await scanAndClassify(drsScanner, [group('sg-server')]);

    // Assess
    expect(result.verdictOf('sg-server').verdict).toBe('in-use');
    expect(result.verdictOf('sg-server').usages[0]).toMatchObject({ resourceType: 'DRS source server', resourceId: SERVER_ARN, resourceName: 'erp-db-01' });
    expect(result.verdictOf('sg-server').usages[0]?.detail).toContain('replication PAUSED');
  });

  it('is ok with a note, and reads nothing more, when the service was never initialised in the account', async () => {
    // Prepare
    client.on(DescribeReplicationConfigurationTemplatesCommand).rejects(awsError('UninitializedAccountException'));

    // Act
    const result = await scanAndClassify(drsScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.scan.note).toBe('DRS not initialised in this account: no resources');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(client).toHaveReceivedCommandTimes(DescribeSourceServersCommand, 0);
  });

  it('passes over a source server deleted between listing and reading its settings', async () => {
    // Prepare
    client.on(DescribeSourceServersCommand).resolves({ items: [{ sourceServerID: 's-0123456789abcdef0' }] });
    client.on(GetReplicationConfigurationCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const result = await scanAndClassify(drsScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken through templates and source servers', async () => {
    // Prepare
    client.on(DescribeReplicationConfigurationTemplatesCommand).resolvesOnce({ items: [], nextToken: 'rct-2' }).resolvesOnce({ items: [{ replicationConfigurationTemplateID: 'rct-late', replicationServersSecurityGroupsIDs: ['sg-late'] }] });
    client.on(DescribeSourceServersCommand).resolvesOnce({ items: [], nextToken: 'servers-2' }).resolvesOnce({ items: [] });

    // Act
    const result = await scanAndClassify(drsScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(client).toHaveReceivedCommandWith(DescribeReplicationConfigurationTemplatesCommand, { nextToken: 'rct-2' });
    expect(client).toHaveReceivedCommandWith(DescribeSourceServersCommand, { nextToken: 'servers-2' });
  });

  it('makes otherwise-unproven groups unknown on any other error', async () => {
    // Prepare
    client.on(DescribeReplicationConfigurationTemplatesCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(drsScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-free').verdict).toBe('unknown');
    expect(result.verdictOf('sg-free').failedSources).toEqual(['drs']);
  });
});
