import { DescribeDataSourceCommand, KendraClient, ListDataSourcesCommand, ListIndicesCommand } from '@aws-sdk/client-kendra';
import { mockClient } from 'aws-sdk-client-mock';
import { kendraScanner } from '../../../lambda/aws/scanners/kendra';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const kendra = mockClient(KendraClient);
const INDEX = '0123456789abcdef0123456789abcdef0123';
const CREATED = new Date('2026-01-01T00:00:00Z');

beforeEach(() => {
  kendra.reset();
  kendra.on(ListIndicesCommand).resolves({
    IndexConfigurationSummaryItems: [{ Id: INDEX, Name: 'docs', Edition: 'ENTERPRISE_EDITION', CreatedAt: CREATED, UpdatedAt: CREATED, Status: 'ACTIVE' }],
  });
});

function summary(id: string) {
  return { Id: id, Name: `source-${id}`, Type: 'DATABASE' as const, Status: 'ACTIVE' as const, CreatedAt: CREATED, UpdatedAt: CREATED };
}

describe('kendra scanner', () => {
  it('marks a group held only by a database connector (as an ARN) as in use, naming the data source', async () => {
    // Prepare
    kendra.on(ListDataSourcesCommand).resolves({ SummaryItems: [summary('ds1')] });
    kendra.on(DescribeDataSourceCommand, { Id: 'ds1', IndexId: INDEX }).resolves({
      Id: 'ds1',
      IndexId: INDEX,
      Name: 'source-ds1',
      Type: 'DATABASE',
      Status: 'ACTIVE',
      Configuration: {
        DatabaseConfiguration: {
          DatabaseEngineType: 'RDS_POSTGRESQL',
          ConnectionConfiguration: { DatabaseHost: 'db', DatabasePort: 5432, DatabaseName: 'd', TableName: 't', SecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s' },
          VpcConfiguration: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aaa1111'] },
          ColumnConfiguration: { DocumentIdColumnName: 'id', DocumentDataColumnName: 'body', ChangeDetectingColumns: ['updated'] },
        },
      },
    });

    // Act
    const result = await scanAndClassify(kendraScanner, [group('sg-0aaa1111'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-0aaa1111').verdict).toBe('in-use');
    expect(result.verdictOf('sg-0aaa1111').usages[0]).toMatchObject({
      source: 'kendra',
      resourceType: 'Kendra data source',
      resourceId: `${INDEX}/ds1`,
      resourceName: 'source-ds1',
      detail: 'DATABASE, index docs, status ACTIVE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads the top-level VpcConfiguration of a template-based connector', async () => {
    kendra.on(ListDataSourcesCommand).resolves({ SummaryItems: [summary('tpl')] });
    kendra.on(DescribeDataSourceCommand).resolves({ Id: 'tpl', IndexId: INDEX, Type: 'TEMPLATE', VpcConfiguration: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-tpl'] } });

    const result = await scanAndClassify(kendraScanner, [group('sg-tpl')]);

    expect(result.verdictOf('sg-tpl').verdict).toBe('in-use');
  });

  it('follows NextToken on indices and data sources, asking for 100 per page', async () => {
    kendra
      .on(ListIndicesCommand)
      .resolvesOnce({ IndexConfigurationSummaryItems: [], NextToken: 'i2' })
      .resolvesOnce({ IndexConfigurationSummaryItems: [{ Id: INDEX, CreatedAt: CREATED, UpdatedAt: CREATED, Status: 'ACTIVE' }] });
    kendra.on(ListDataSourcesCommand).resolvesOnce({ SummaryItems: [], NextToken: 'd2' }).resolvesOnce({ SummaryItems: [summary('late')] });
    kendra.on(DescribeDataSourceCommand).resolves({ Id: 'late', IndexId: INDEX, VpcConfiguration: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-late'] } });

    const result = await scanAndClassify(kendraScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(kendra).toHaveReceivedCommandWith(ListIndicesCommand, { MaxResults: 100, NextToken: 'i2' });
    expect(kendra).toHaveReceivedCommandWith(ListDataSourcesCommand, { IndexId: INDEX, MaxResults: 100, NextToken: 'd2' });
  });

  it('skips a data source deleted between the listing and its description', async () => {
    kendra.on(ListDataSourcesCommand).resolves({ SummaryItems: [summary('gone')] });
    kendra.on(DescribeDataSourceCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(kendraScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    kendra.on(ListDataSourcesCommand).resolves({ SummaryItems: [summary('ds1')] });
    kendra.on(DescribeDataSourceCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(kendraScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
