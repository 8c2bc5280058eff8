import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { handleEvent } from '../../lambda/approve/http';
import { startLocalServer, type LocalServer } from '../../lambda/approve/local-server';
import { ClientFactory } from '../../lambda/aws/client-factory';
import type { DeletionExecutionInput } from '../../lambda/core/deletion-contract';
import { launchChromium } from '../../scripts/chromium';
import { existingGroups, localApproval, seedApprovalScenario, type ApprovalScenario } from '../helpers/approve-moto';

/**
 * The approval POST in a real browser: the 303 to the progress URL (a refresh reloads progress,
 * never the form post) and a form on another site posting to the front (refused).
 */

const REGION = 'me-south-1';

let browser: Browser;
let factory: ClientFactory;
const apps: Array<{ server: LocalServer; settle: () => Promise<void> }> = [];

/** A seeded account and the front serving its link, counting the workflow starts. */
async function front(prefix: string) {
  const scenario: ApprovalScenario = await seedApprovalScenario(process.env.MOTO_ENDPOINT as string, REGION, prefix);
  const app = localApproval(scenario, { factory });
  const starts: DeletionExecutionInput[] = [];
  const deps = {
    ...app.front,
    startDeletion: async (input: DeletionExecutionInput) => {
      starts.push(input);
      await app.front.startDeletion(input);
    },
  };
  const server = await startLocalServer((event, requestId) => handleEvent(event, requestId, () => deps, app.logger));
  apps.push({ server, settle: () => app.workflow.executions.settled() });
  return { scenario, server, starts, link: `${server.url}${new URL(scenario.link).search}`, settled: () => app.workflow.executions.settled() };
}

beforeAll(async () => {
  factory = new ClientFactory();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const app of apps) {
    await app.server.close();
    await app.settle();
  }
  factory?.destroy();
});

describe('approval POST in Chromium', () => {
  it('lands on the progress URL after Delete, and a refresh reloads that page with a GET, starting nothing more', async () => {
    // Prepare
    const { link, starts, server, settled } = await front('refresh');
    const page = await browser.newPage();
    const methods: string[] = [];
    await page.goto(link);
    await page.locator('#confirm').fill('4');
    await Promise.all([page.waitForURL(/view=progress/), page.getByRole('button', { name: /Delete/ }).click()]);
    const landed = page.url();
    await settled();
    page.on('request', (request) => {
      if (request.url().startsWith(server.url)) methods.push(request.method());
    });

    // Act
    const response = await page.reload();
    const reloaded = await page.locator('body').innerText();

    // Assess
    expect(landed).toBe(`${link}&view=progress`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(landed);
    expect(methods).toEqual(['GET']);
    expect(reloaded).toMatch(/Deletion (in progress|result)/);
    expect(reloaded).toContain('4 deleted');
    expect(starts).toHaveLength(1);
  }, 90_000);

  it('refuses the review form posted from another site with 403, and the link still shows the review page', async () => {
    // Prepare
    const { link, scenario, starts } = await front('xsite');
    const target = new URL(link);
    const form = `<!doctype html><form method="post" action="${target.origin}/"><input type="hidden" name="t" value="${target.searchParams.get('t') ?? ''}"><input type="hidden" name="confirm" value="4"><button>Win a prize</button></form>`;
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(form);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const address = evil.address();
    const evilUrl = `http://localhost:${typeof address === 'object' && address ? address.port : 0}/`;
    const page = await browser.newPage();
    await page.goto(evilUrl);

    // Act
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(target.origin) && r.request().method() === 'POST'), page.getByRole('button').click()]);
    const refused = await page.locator('body').innerText();
    await page.goto(link);
    const review = await page.locator('h1').innerText();

    // Assess
    evil.close();
    expect(response.status()).toBe(403);
    expect(refused).toContain('Cross-site request refused');
    expect(review).toContain('Review unused security groups');
    expect(starts).toHaveLength(0);
    const left = await existingGroups(REGION);
    expect(Object.values(scenario.groups).every((id) => left.has(id))).toBe(true);
  }, 90_000);
});
