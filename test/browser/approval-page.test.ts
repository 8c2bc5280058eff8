import { Logger } from '@aws-lambda-powertools/logger';
import type { Browser } from 'playwright-core';
import { approveDepsFromEnv } from '../../lambda/approve/handler';
import { handleEvent } from '../../lambda/approve/http';
import { startLocalServer, type LocalServer } from '../../lambda/approve/local-server';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { launchChromium } from '../../scripts/chromium';
import { existingGroups, MOTO_SCANNERS, seedApprovalScenario, XSS, type ApprovalScenario } from '../helpers/approve-moto';

const REGION = 'ca-central-1';
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

let scenario: ApprovalScenario;
let server: LocalServer;
let browser: Browser;
let factory: ClientFactory;

beforeAll(async () => {
  scenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, 'browser');
  factory = new ClientFactory();
  const deps = approveDepsFromEnv(scenario.env, { factory, scanners: MOTO_SCANNERS, logger, metrics: { addMetric: () => 0, publishStoredMetrics: () => 0 } });
  server = await startLocalServer((event, requestId) => handleEvent(event, requestId, () => deps, logger));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  factory?.destroy();
});

describe('approval page in Chromium', () => {
  it('shows a hostile group name as text, deletes only the ticked groups, then refuses the used link', async () => {
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
    await page.locator(`input[name="group"][value="${g.keep}"]`).uncheck();
    await page.locator('#note').fill('decommissioned');
    await Promise.all([page.waitForURL(`${server.url}`), page.getByRole('button', { name: /selected groups/ }).click()]);
    const resultText = await page.locator('body').innerText();
    await page.goto(link);
    const reopened = await page.locator('body').innerText();

    // Assess
    expect(hostileCells).toBe(2);
    expect(images).toBe(0);
    expect(dialogs).toEqual([]);
    expect(cspErrors).toEqual([]);
    expect(resultText).toContain('Deletion result');
    expect(resultText).toContain('3 deleted, 0 skipped, 0 failed, 1 kept by reviewer');
    const left = await existingGroups(REGION);
    expect([g.referenced, g.referencing, g.hostile].filter((id) => left.has(id))).toEqual([]);
    expect(left.has(g.keep)).toBe(true);
    expect(left.has(g.inUse)).toBe(true);
    expect(reopened).toContain('already used');
  }, 30_000);
});
