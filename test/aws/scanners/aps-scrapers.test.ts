import { AmpClient, ListScrapersCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { apsScrapersScanner } from '../../../lambda/aws/scanners/aps-scrapers';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const aps = mockClient(AmpClient);
const ARN = 'arn:aws:aps:us-east-1:123456789012:scraper/s-1';
const AT = new Date('2026-01-01T00:00:00Z');

function scraper(id: string, groups: string[]) {
  return {
    scraperId: id,
    alias: `scraper-${id}`,
    arn: ARN,
    roleArn: 'arn:aws:iam::123456789012:role/aps',
    status: { statusCode: 'ACTIVE' as const },
    createdAt: AT,
    lastModifiedAt: AT,
    source: { eksConfiguration: { clusterArn: 'arn:aws:eks:us-east-1:123456789012:cluster/prod', subnetIds: ['subnet-1'], securityGroupIds: groups } },
    destination: { ampConfiguration: { workspaceArn: 'arn:aws:aps:us-east-1:123456789012:workspace/ws-1' } },
  };
}

beforeEach(() => aps.reset());

describe('aps-scrapers scanner', () => {
  it('marks a group held only by an EKS scraper as in use, naming the scraper', async () => {
    // Prepare
    aps.on(ListScrapersCommand).resolves({ scrapers: [scraper('s-1', ['sg-scrape'])] });

    // Act
    const result = await scanAndClassify(apsScrapersScanner, [group('sg-scrape'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-scrape').verdict).toBe('in-use');
    expect(result.verdictOf('sg-scrape').usages[0]).toMatchObject({ source: 'aps-scrapers', resourceType: 'Managed Prometheus scraper', resourceId: ARN, resourceName: 'scraper-s-1', detail: 'status ACTIVE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken, asking for 1000 per page', async () => {
    aps.on(ListScrapersCommand).resolvesOnce({ scrapers: [], nextToken: 'p2' }).resolvesOnce({ scrapers: [scraper('s-2', ['sg-late'])] });

    const result = await scanAndClassify(apsScrapersScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(aps).toHaveReceivedCommandWith(ListScrapersCommand, { maxResults: 1000, nextToken: 'p2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    aps.on(ListScrapersCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(apsScrapersScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
