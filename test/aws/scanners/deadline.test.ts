import { DeadlineClient, GetLicenseEndpointCommand, ListLicenseEndpointsCommand } from '@aws-sdk/client-deadline';
import { mockClient } from 'aws-sdk-client-mock';
import { deadlineScanner } from '../../../lambda/aws/scanners/deadline';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const deadline = mockClient(DeadlineClient);
const ID = 'le-0123456789abcdef0123456789abcdef';

beforeEach(() => deadline.reset());

describe('deadline scanner', () => {
  it('marks a group used only by a license endpoint as in use, naming the endpoint', async () => {
    // Prepare
    deadline.on(ListLicenseEndpointsCommand).resolves({ licenseEndpoints: [{ licenseEndpointId: ID, status: 'READY', statusMessage: '', vpcId: 'vpc-1' }] });
    deadline.on(GetLicenseEndpointCommand, { licenseEndpointId: ID }).resolves({
      licenseEndpointId: ID,
      status: 'READY',
      statusMessage: '',
      vpcId: 'vpc-1',
      subnetIds: ['subnet-1'],
      securityGroupIds: ['sg-used'],
    });

    // Act
    const result = await scanAndClassify(deadlineScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'deadline',
      resourceType: 'Deadline Cloud license endpoint',
      resourceId: ID,
      detail: 'status READY, VPC vpc-1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 endpoints per page and follows nextToken', async () => {
    deadline
      .on(ListLicenseEndpointsCommand)
      .resolvesOnce({ licenseEndpoints: [], nextToken: 'page-2' })
      .resolvesOnce({ licenseEndpoints: [{ licenseEndpointId: ID }] });
    deadline.on(GetLicenseEndpointCommand).resolves({ licenseEndpointId: ID, status: 'READY', statusMessage: '', securityGroupIds: ['sg-late'] });

    const result = await scanAndClassify(deadlineScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(deadline).toHaveReceivedNthCommandWith(1, ListLicenseEndpointsCommand, { maxResults: 100 });
    expect(deadline).toHaveReceivedNthCommandWith(2, ListLicenseEndpointsCommand, { maxResults: 100, nextToken: 'page-2' });
  });

  it('skips an endpoint deleted between the listing and its description', async () => {
    deadline.on(ListLicenseEndpointsCommand).resolves({ licenseEndpoints: [{ licenseEndpointId: ID }] });
    deadline.on(GetLicenseEndpointCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(deadlineScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    deadline.on(ListLicenseEndpointsCommand).resolves({ licenseEndpoints: [{ licenseEndpointId: ID }] });
    deadline.on(GetLicenseEndpointCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(deadlineScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['deadline']);
  });
});
