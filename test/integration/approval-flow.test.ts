import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { approveDepsFromEnv } from '../../lambda/approve/handler';
import { handleEvent } from '../../lambda/approve/http';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { deletionKeys } from '../../lambda/core/s3-keys';
import { urlEvent } from '../helpers/approve-fixtures';
import { existingGroups, MOTO_SCANNERS, seedApprovalScenario, XSS, type ApprovalScenario } from '../helpers/approve-moto';

const REGION = 'eu-west-3';
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const metrics = { addMetric: jest.fn(), publishStoredMetrics: jest.fn() };

let scenario: ApprovalScenario;
let factory: ClientFactory;

beforeAll(async () => {
  scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'flow');
  factory = new ClientFactory();
});

afterAll(() => factory.destroy());

const deps = () => approveDepsFromEnv(scenario.env, { factory, scanners: MOTO_SCANNERS, logger, metrics });
const token = () => new URL(scenario.link).searchParams.get('t') as string;

describe('approval flow on moto', () => {
  it('reviews, deletes the ticked groups in a safe order and keeps the rest', async () => {
    // Prepare
    const g = scenario.groups;
    const review = await handleEvent(urlEvent('GET', { query: `t=${encodeURIComponent(token())}` }), 'r1', deps, logger);
    const form = new URLSearchParams([
      ['t', token()],
      ['group', g.referenced],
      ['group', g.referencing],
      ['group', g.hostile],
      ['note', 'app retired in ticket OPS-1'],
    ]);

    // Act
    const result = await handleEvent(urlEvent('POST', { body: form.toString(), base64: true }), 'r2', deps, logger);

    // Assess
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain(`value="${g.keep}"`);
    expect(review.body).not.toContain(`value="${g.inUse}"`);
    expect(review.body).not.toContain(XSS);
    expect(result.statusCode).toBe(200);
    const left = await existingGroups(REGION);
    expect([g.referenced, g.referencing, g.hostile].filter((id) => left.has(id))).toEqual([]);
    expect(left.has(g.keep)).toBe(true);
    expect(left.has(g.inUse)).toBe(true);
    expect(metrics.addMetric).toHaveBeenCalledWith('GroupsKeptByReviewer', 'Count', 1);
  });

  it('has written the trail with the reviewer note and each outcome', async () => {
    // Act
    const out = await new S3Client({ region: REGION }).send(
      new GetObjectCommand({ Bucket: scenario.bucket, Key: deletionKeys('123456789012', scenario.auditId).log }),
    );
    const log = await out.Body?.transformToString();

    // Assess
    expect(log).toContain("Reviewer's note: app retired in ticket OPS-1");
    expect(log).toContain(`KEPT BY REVIEWER ${scenario.groups.keep}`);
    expect(log).toContain(`DELETED ${scenario.groups.referencing}`);
  });

  it('answers the used link with "already used"', async () => {
    // Act
    const again = await handleEvent(urlEvent('GET', { query: `t=${encodeURIComponent(token())}` }), 'r3', deps, logger);

    // Assess
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already used');
  });
});
