import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import type { LockRecord } from '../../lambda/aws/approval-store';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { serveApprovals, type Served } from '../../lambda/cli/serve-command';
import type { StartedRecord } from '../../lambda/core/deletion-contract';
import { approvalLockKey, deletionKeys } from '../../lambda/core/s3-keys';
import { launchChromium } from '../../scripts/chromium';
import { existingGroups, MOTO_SCANNERS, seedApprovalScenario, type ApprovalScenario } from '../helpers/approve-moto';
import { startTestIssuer, type TestIssuer } from '../helpers/oidc-issuer';

/** moto's default account: the scenario's audit and its lock are in it. */
const MOTO_ACCOUNT = '123456789012';

/**
 * Signed-in approval on the local front (`sg-audit serve`), with a test OpenID Connect issuer in
 * place of Cognito: the review page sends the reviewer through sign-in (code flow with PKCE),
 * only a valid ID token of the approvers group gets in, and the approver is in the trail.
 */

const REGION = 'ca-west-1';
const GROUP = 'sg-approvers';
const APPROVER = { sub: 'user-7f3a', email: 'alice@example.com', groups: ['staff', GROUP] };

let scenario: ApprovalScenario;
let issuer: TestIssuer;
let served: Served;
let browser: Browser;
let factory: ClientFactory;
let link: string;

async function body(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** Opens the link in a fresh browser context (no cookies) and follows the sign-in. */
async function openSignedIn(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  return page;
}

async function s3Json<T>(key: string): Promise<T> {
  const out = await new S3Client({ region: REGION }).send(new GetObjectCommand({ Bucket: scenario.bucket, Key: key }));
  return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString()) as T;
}

beforeAll(async () => {
  scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'signin');
  issuer = await startTestIssuer();
  factory = new ClientFactory();
  served = await serveApprovals(
    { ...scenario.env, ...issuer.env(GROUP) },
    {
      port: 0,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      tasks: {
        factory,
        scanners: MOTO_SCANNERS,
        deleter: { sleep: async () => undefined, backoffMs: () => 0, callsPerSecond: 1e6, chunkSize: 50 },
        metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined },
      },
    },
  );
  issuer.allowRedirect(`${served.server.url.replace(/\/$/, '')}/callback`);
  link = `${served.server.url}${new URL(scenario.link).search}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await issuer?.close();
});

describe('signed-in approval in Chromium', () => {
  it('refuses a signed-in person outside the approvers group with a page that says so', async () => {
    // Prepare
    issuer.signInAs({ sub: 'user-bob', email: 'bob@example.com', groups: ['staff'] });

    // Act
    const page = await openSignedIn();

    // Assess
    expect(await page.locator('h1').innerText()).toBe('Sign-in refused');
    expect(await body(page)).toContain(`bob@example.com, who is not in the approvers group "${GROUP}"`);
  }, 60_000);

  it('refuses an expired ID token', async () => {
    // Prepare
    issuer.signInAs(APPROVER, { expiresIn: -120 });

    // Act
    const page = await openSignedIn();

    // Assess
    expect(await page.locator('h1').innerText()).toBe('Sign-in refused');
    expect(await body(page)).toContain('The sign-in token has expired');
  }, 60_000);

  it('refuses an ID token issued for another application (wrong audience)', async () => {
    // Prepare
    issuer.signInAs(APPROVER, { audience: 'some-other-client' });

    // Act
    const page = await openSignedIn();

    // Assess
    expect(await page.locator('h1').innerText()).toBe('Sign-in refused');
    expect(await body(page)).toContain('issued for another application');
  }, 60_000);

  it('signs an approver in after the issuer rotated its key, approves, and records who approved in the lock, the started trail and the log', async () => {
    // Prepare
    issuer.rotateKey();
    issuer.signInAs(APPROVER);
    const g = scenario.groups;

    // Act
    const page = await openSignedIn();
    const review = await body(page);
    await page.locator(`input[name="keep"][value="${g.keep}"]`).check();
    await page.locator('#confirm').fill('3');
    await Promise.all([page.waitForURL(/view=progress/), page.getByRole('button', { name: /Delete/ }).click()]);
    const progress = await body(page);
    await served.workflow.executions.settled();
    const lock = await s3Json<LockRecord>(approvalLockKey(MOTO_ACCOUNT, scenario.auditId));
    const accountId = lock.accountId;
    const started = await s3Json<StartedRecord>(deletionKeys(accountId, scenario.auditId).started);
    const out = await new S3Client({ region: REGION }).send(new GetObjectCommand({ Bucket: scenario.bucket, Key: deletionKeys(accountId, scenario.auditId).log }));
    const log = await (out.Body as { transformToString(): Promise<string> }).transformToString();

    // Assess
    expect(review).toContain(`Approving as\t${APPROVER.email} (subject ${APPROVER.sub}, via ${issuer.issuer})`);
    expect(progress).toContain(`Approved by\t${APPROVER.email}`);
    const who = { sub: APPROVER.sub, email: APPROVER.email, provider: issuer.issuer };
    expect(lock.approvers).toEqual([{ ...who, approvedAt: expect.any(String) }]);
    expect(started.requester.approvers).toEqual(lock.approvers);
    expect(log).toContain(`Approved by (signed in): ${APPROVER.email} (subject ${APPROVER.sub}, via ${issuer.issuer})`);
    expect(issuer.refusals).toEqual([]);
    const left = await existingGroups(REGION);
    expect([g.referenced, g.referencing, g.hostile].filter((id) => left.has(id))).toEqual([]);
  }, 90_000);
});
