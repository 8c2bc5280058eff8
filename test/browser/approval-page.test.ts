import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Browser } from 'playwright-core';
import { handleEvent } from '../../lambda/approve/http';
import { startLocalServer, type LocalServer } from '../../lambda/approve/local-server';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { launchChromium } from '../../scripts/chromium';
import { existingGroups, localApproval, seedApprovalScenario, XSS, type ApprovalScenario } from '../helpers/approve-moto';

const REGION = 'ca-central-1';
const KEEP_REASON = 'payroll batch <b>runs</b> at month end';

let scenario: ApprovalScenario;
let server: LocalServer;
let browser: Browser;
let factory: ClientFactory;
let app: ReturnType<typeof localApproval>;

beforeAll(async () => {
  scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'browser');
  factory = new ClientFactory();
  app = localApproval(scenario, { factory });
  server = await startLocalServer((event, requestId) => handleEvent(event, requestId, () => app.front, app.logger));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await app?.workflow.executions.settled();
  factory?.destroy();
});

describe('approval page in Chromium', () => {
  it('keeps a ticked group for 30 days with a reason, refuses a wrong count, deletes after the typed count and shows progress then the result', async () => {
    // Prepare
    const g = scenario.groups;
    const link = `${server.url}${new URL(scenario.link).search}`;
    const page = await browser.newPage();
    const dialogs: string[] = [];
    const cspErrors: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });

    // Act
    await page.goto(link);
    const hostileCells = await page.getByText(XSS, { exact: true }).count();
    const images = await page.locator('img').count();
    await page.locator(`input[name="keep"][value="${g.keep}"]`).check();
    await page.locator('#confirm').fill('4');
    await Promise.all([page.waitForURL(`${server.url}`), page.getByRole('button', { name: /Delete/ }).click()]);
    const wrongCount = await page.locator('body').innerText();
    await page.goto(link);
    await page.locator(`input[name="keep"][value="${g.keep}"]`).check();
    await page.locator('#keep_days').selectOption('30');
    await page.locator('#keep_reason').fill(KEEP_REASON);
    await page.locator('#confirm').fill('3');
    await Promise.all([page.waitForURL(/view=progress/), page.getByRole('button', { name: /Delete/ }).click()]);
    const progress = await page.locator('body').innerText();
    await app.workflow.executions.settled();
    await page.goto(link);
    const reopened = await page.locator('body').innerText();

    // Assess
    expect(hostileCells).toBe(2);
    expect(images).toBe(0);
    expect(dialogs).toEqual([]);
    expect(cspErrors).toEqual([]);
    expect(wrongCount).toContain('Confirmation does not match');
    expect(progress).toMatch(/Deletion (in progress|result)/);
    expect(reopened).toContain('3 deleted, 0 skipped, 0 failed, 1 kept by reviewer');
    const until = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    expect(reopened).toContain(`kept by reviewer until ${until}: ${KEEP_REASON}`);
    const [kept] = (await new EC2Client({ region: REGION }).send(new DescribeSecurityGroupsCommand({ GroupIds: [g.keep] }))).SecurityGroups ?? [];
    expect(kept?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'sg-auditor:kept-until', Value: until },
        { Key: 'sg-auditor:kept-reason', Value: KEEP_REASON },
      ]),
    );
    const left = await existingGroups(REGION);
    expect([g.referenced, g.referencing, g.hostile].filter((id) => left.has(id))).toEqual([]);
    expect(left.has(g.keep)).toBe(true);
    expect(left.has(g.inUse)).toBe(true);
  }, 60_000);
});
