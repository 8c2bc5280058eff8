import { DAXClient, DescribeClustersCommand } from '@aws-sdk/client-dax';
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListCapacityProvidersCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { isMissingEndpoint } from '../../lambda/aws/regions';
import { daxScanner } from '../../lambda/aws/scanners/dax';
import { lambdaScanner } from '../../lambda/aws/scanners/lambda';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import type { Scanner } from '../../lambda/aws/scanners/types';
import type { AuditReport } from '../../lambda/core/model';
import { ACCOUNT, awsError, DEFAULT_SETTINGS, REGION } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const dax = mockClient(DAXClient);
const lambda = mockClient(LambdaClient);

const DAX_PARAMETER = `/aws/service/global-infrastructure/regions/${REGION}/services/dax`;

/** What Node and the SDK throw when a host name does not exist (seen with SDK v3: name Error, code ENOTFOUND, no HTTP status). */
function hostNotFound(host: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: host, $metadata: { attempts: 5, totalRetryDelay: 700 } });
}

/** What the SDK throws when its endpoint rules refuse a region. */
function endpointError(): Error {
  const error = new Error('No matching endpoint.');
  error.name = 'EndpointError';
  return error;
}

function parameterNotFound(): Error {
  return Object.assign(awsError('ParameterNotFound'), { $metadata: { httpStatusCode: 400 } });
}

async function audit(scanners: Scanner[]): Promise<AuditReport> {
  return runAudit(DEFAULT_SETTINGS, { factory: new ClientFactory({ maxAttempts: 1 }), accountId: ACCOUNT, scanners, now: () => new Date('2026-11-26T00:00:00Z') });
}

function scanOf(report: AuditReport, source: string) {
  return report.regions[0]?.scans.find((s) => s.source === source);
}

beforeEach(() => {
  for (const mock of [ec2, ssm, dax, lambda]) mock.reset();
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: ['sg-fn', 'sg-cache', 'sg-free'].map((GroupId) => ({ GroupId, GroupName: GroupId, Description: 'd', VpcId: 'vpc-1', OwnerId: ACCOUNT })),
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  // The service list, asked about any service, says it is not there.
  ssm.on(GetParameterCommand).rejects(parameterNotFound());
});

describe('a service the region may not offer', () => {
  it('is called even when the SSM list omits it, and the group it holds stays in use', async () => {
    // Prepare
    lambda.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionName: 'billing', VpcConfig: { SecurityGroupIds: ['sg-fn'] } }] });
    lambda.on(ListCapacityProvidersCommand).resolves({ CapacityProviders: [] });

    // Act
    const report = await audit([networkInterfacesScanner, lambdaScanner]);

    // Assess
    expect(report.regions[0]?.groups.find((g) => g.groupId === 'sg-fn')?.verdict).toBe('in-use');
    expect(scanOf(report, 'lambda')).toMatchObject({ status: 'ok' });
    expect(ssm.calls()).toEqual([]);
  });

  it('is "not offered" when its host name does not exist and the SSM list does not name it', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).rejects(hostNotFound(`dax.${REGION}.amazonaws.com`));

    // Act
    const report = await audit([daxScanner]);

    // Assess
    expect(scanOf(report, 'dax')).toMatchObject({ status: 'ok', note: `not offered in ${REGION}` });
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: DAX_PARAMETER });
    expect(report.regions[0]?.apiCalls).toBe(4);
  });

  it('is "not offered" when the SDK finds no endpoint for the region and the SSM list does not name it', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).rejects(endpointError());

    // Act
    const report = await audit([daxScanner]);

    // Assess
    expect(scanOf(report, 'dax')).toMatchObject({ status: 'ok', note: `not offered in ${REGION}` });
  });

  it('fails when its host name does not exist but the SSM list names it', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).rejects(hostNotFound(`dax.${REGION}.amazonaws.com`));
    ssm.on(GetParameterCommand, { Name: DAX_PARAMETER }).resolves({ Parameter: { Name: DAX_PARAMETER, Value: 'dax', Type: 'String' } });

    // Act
    const report = await audit([daxScanner]);

    // Assess
    expect(scanOf(report, 'dax')).toMatchObject({ status: 'failed', error: { code: 'ENOTFOUND' } });
    expect(report.regions[0]?.groups.find((g) => g.groupId === 'sg-free')?.verdict).toBe('unknown');
  });

  it('fails, saying so, when its host name does not exist and the SSM list cannot be read', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).rejects(hostNotFound(`dax.${REGION}.amazonaws.com`));
    ssm.on(GetParameterCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const report = await audit([daxScanner]);

    // Assess
    expect(scanOf(report, 'dax')).toMatchObject({
      status: 'failed',
      error: { code: 'ENOTFOUND' },
      note: 'service list unreadable (AccessDeniedException)',
    });
  });

  it.each([['AccessDeniedException'], ['ThrottlingException'], ['UnrecognizedClientException'], ['InternalServerError']])(
    'fails on %s without asking the SSM list',
    async (code) => {
      // Prepare
      dax.on(DescribeClustersCommand).rejects(awsError(code));

      // Act
      const report = await audit([daxScanner]);

      // Assess
      expect(scanOf(report, 'dax')).toMatchObject({ status: 'failed', error: { code } });
      expect(ssm.calls()).toEqual([]);
    },
  );

  it('fails on a connection refused or a timeout without asking the SSM list', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { name: 'TimeoutError', code: 'ECONNREFUSED' }));

    // Act
    const report = await audit([daxScanner]);

    // Assess
    expect(scanOf(report, 'dax')?.status).toBe('failed');
    expect(ssm.calls()).toEqual([]);
  });

  it('fails when a host name is not found after an earlier call of the same scan was answered', async () => {
    // Prepare
    dax
      .on(DescribeClustersCommand)
      .resolvesOnce({ Clusters: [], NextToken: 'page-2' })
      .rejectsOnce(hostNotFound(`dax.${REGION}.amazonaws.com`));

    // Act
    const report = await audit([daxScanner]);

    // Assess
    expect(scanOf(report, 'dax')).toMatchObject({ status: 'failed', error: { code: 'ENOTFOUND' } });
    expect(ssm.calls()).toEqual([]);
  });

  it('asks the SSM list once per region and service however many sources need the answer', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).rejects(hostNotFound(`dax.${REGION}.amazonaws.com`));
    const twin: Scanner = { ...daxScanner, source: 'memorydb' };

    // Act
    const report = await audit([daxScanner, twin]);

    // Assess
    expect(report.regions[0]?.scans.map((s) => [s.source, s.status, s.note])).toEqual([
      ['dax', 'ok', `not offered in ${REGION}`],
      ['memorydb', 'ok', `not offered in ${REGION}`],
    ]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });
});

describe('isMissingEndpoint', () => {
  it.each([
    ['an EndpointError', endpointError(), true],
    ['ENOTFOUND for a host of the region', hostNotFound(`api.airflow.${REGION}.amazonaws.com`), true],
    ['ENOTFOUND for a host of another region', hostNotFound('dax.eu-west-1.amazonaws.com'), false],
    ['ENOTFOUND without a host name', Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), false],
    ['EAI_AGAIN (a DNS server that did not answer)', Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN', hostname: `dax.${REGION}.amazonaws.com` }), false],
    ['an AWS error', awsError('AccessDeniedException'), false],
  ])('%s: missing endpoint = %s', (_what, error, expected) => {
    expect(isMissingEndpoint(error, REGION)).toBe(expected);
  });
});
