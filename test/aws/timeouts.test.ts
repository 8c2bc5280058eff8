import { EC2Client } from '@aws-sdk/client-ec2';
import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory, DEFAULT_HTTP_TIMEOUTS } from '../../lambda/aws/client-factory';
import { SCANNERS } from '../../lambda/aws/scanners/registry';
import { createAuditCommand, STARTUP_DEADLINE_MS } from '../../lambda/cli/audit-command';
import type { CliIo } from '../../lambda/cli/io';
import { ACCOUNT, DEFAULT_SETTINGS } from '../helpers/scanner-harness';
import { ec2InventoryOnly, startSilentServer, type SilentServer } from '../helpers/silent-server';

const REGION = 'ap-south-2';
const SHORT = { connectionMs: 500, requestMs: 300 };
const ATTEMPTS = 2;

let saved: NodeJS.ProcessEnv;
let server: SilentServer | undefined;

/** Points the SDK at `endpoint` with test credentials, as AWS_ENDPOINT_URL does for moto. */
function useEndpoint(endpoint: string): void {
  Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION });
}

beforeEach(() => {
  saved = { ...process.env };
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  process.env = saved;
});

describe('a service that accepts connections and never answers', () => {
  it('fails every source that calls it, with the timeout as the reason, within the timeouts', async () => {
    // Prepare
    server = await startSilentServer(ec2InventoryOnly(ACCOUNT));
    useEndpoint(server.endpoint);
    const factory = new ClientFactory({ maxAttempts: ATTEMPTS, timeouts: SHORT });
    const started = Date.now();

    // Act
    const report = await runAudit(
      { ...DEFAULT_SETTINGS, regions: [REGION], minAgeDays: 7, idleDays: 90 },
      { factory, accountId: ACCOUNT, scannerConcurrency: SCANNERS.length },
    ).finally(() => factory.destroy());

    // Assess
    const elapsed = Date.now() - started;
    const scans = report.regions[0]?.scans ?? [];
    expect(report.regions[0]?.status).toBe('ok');
    expect(scans.filter((s) => s.status !== 'failed').map((s) => `${s.source} (${s.apiCalls} calls)`)).toEqual([
      'sg-rule-references (0 calls)',
      'peered-references (0 calls)',
    ]);
    // Q Business's client speaks HTTP/2 (its default handler), which this HTTP/1.1 test server
    // refuses at once: a protocol error, still a failure. Every other source times out.
    const failed = scans.filter((s) => s.status === 'failed');
    expect(failed.filter((s) => s.source !== 'qbusiness').map((s) => s.error?.code)).toEqual(failed.filter((s) => s.source !== 'qbusiness').map(() => 'TimeoutError'));
    expect(failed.map((s) => s.source)).toContain('qbusiness');
    expect(report.regions[0]?.groups.map((g) => g.verdict)).toEqual(['unknown']);
    // Every scanner ran at once, each failing after ATTEMPTS attempts of SHORT.requestMs plus the
    // SDK's backoff (about 1.5 s on an idle machine). Without timeouts the audit never ends; the
    // bound leaves room for a loaded machine.
    expect(elapsed).toBeLessThan(20_000);
  }, 30_000);
});

describe('the timeouts every client gets', () => {
  it('are 5 s to connect and 30 s per attempt by default, and a timed-out attempt is an error', async () => {
    // Prepare
    const factory = new ClientFactory();

    // Act
    const handler = factory.forRegion(REGION).get(EC2Client).config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
    const config = await handler.configProvider;
    factory.destroy();

    // Assess
    expect(DEFAULT_HTTP_TIMEOUTS).toEqual({ connectionMs: 5_000, requestMs: 30_000 });
    expect(config).toMatchObject({ connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true });
  });
});

describe('sg-audit audit pointed at an endpoint that never answers', () => {
  function captureIo(env: Record<string, string>): CliIo & { stderr: string; stdout: string } {
    const io = {
      stdout: '',
      stderr: '',
      out: (text: string) => void (io.stdout += text),
      err: (text: string) => void (io.stderr += text),
      prompt: async () => '',
      env,
      now: () => new Date('2026-11-26T00:00:00Z'),
    };
    return io;
  }

  it('ends at the startup deadline with one clear line, leaving no call in flight', async () => {
    // Prepare
    server = await startSilentServer();
    useEndpoint(server.endpoint);
    const io = captureIo({ AWS_ENDPOINT_URL: server.endpoint });
    const command = createAuditCommand({ factory: () => new ClientFactory({ timeouts: { connectionMs: 500, requestMs: 20_000 } }), startupDeadlineMs: 400 });
    const started = Date.now();

    // Act
    const code = await command(['--regions', REGION], io);

    // Assess
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(io.stderr).toBe(
      `sg-audit: cannot reach AWS: no answer from STS GetCallerIdentity at ${server.endpoint} (AWS_ENDPOINT_URL) within 0.4 s; check the network, any proxy, and AWS_ENDPOINT_URL\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.openSockets()).toBe(0);
  });

  it('waits 10 s for its first answers by default', () => {
    expect(STARTUP_DEADLINE_MS).toBe(10_000);
  });
});
