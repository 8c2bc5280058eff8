import { createHash } from 'node:crypto';
import { deletionExecutionName } from '../../lambda/core/deletion-contract';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { approveDepsFromEnv } from '../../lambda/approve/handler';
import { handleEvent } from '../../lambda/approve/http';
import { s3ArtifactStore, type ArtifactStore } from '../../lambda/aws/artifact-store';
import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { MemberCredentials } from '../../lambda/aws/member-role';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import { sgRuleReferencesScanner } from '../../lambda/aws/scanners/sg-rule-references';
import { kmsMac } from '../../lambda/aws/signer';
import type { DeletionResult } from '../../lambda/core/deletion-plan';
import type { AuditReport, AuditSettings } from '../../lambda/core/model';
import { orgKeys, type OrgSummary } from '../../lambda/core/org';
import { deletionKeys } from '../../lambda/core/s3-keys';
import { verifyToken, type MacProvider } from '../../lambda/core/token';
import { deletionDepsFromEnv } from '../../lambda/workflows/deletion/deps';
import { localDeletionWorkflow } from '../../lambda/workflows/deletion/local';
import { runOrgAuditLocally } from '../../lambda/workflows/org-audit/local';
import { summaryTask, type OrgAuditConfig } from '../../lambda/workflows/org-audit/org-tasks';
import type { OrgRuntime } from '../../lambda/workflows/org-audit/runtime';
import { runOrgAuditCli } from '../../lambda/cli/org-audit';
import { motoEnv } from '../../scripts/moto-server';
import { seedOrganization, type SeededOrganization } from '../../scripts/seed-org';
import { urlEvent } from '../helpers/approve-fixtures';
import { startSnsReceiver, type SnsNotification } from '../helpers/sns-receiver';
import { startStsDenyProxy } from '../../scripts/sts-deny-proxy';

// This file owns ap-northeast-3 and us-west-1 on the shared moto server, and its Organization
// (test/integration/README.md).
const HOME = 'ap-northeast-3';
const REGIONS = [HOME, 'us-west-1'];
const BUCKET = 'sg-auditor-it-org-audit';
const ROLE = 'sg-auditor-member';
const SCANNERS = [networkInterfacesScanner, sgRuleReferencesScanner];
const SETTINGS: AuditSettings = { regions: REGIONS, skipSources: [], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: ['prod-*'], minAgeDays: 0 };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, appendKeys: () => undefined, removeKeys: () => undefined };
const noMetrics = { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined };

let org: SeededOrganization;
let denied: string;
let reachable: string[];
let rt: OrgRuntime;
let store: ArtifactStore;
let mac: MacProvider;
let output: { auditId: string; summaryKey: string; accounts: number; failed: number; candidates: number };
let summary: OrgSummary;
let emails: SnsNotification[];
let receiver: Awaited<ReturnType<typeof startSnsReceiver>>;
let proxy: Awaited<ReturnType<typeof startStsDenyProxy>>;

const readJson = async <T>(key: string): Promise<T> => JSON.parse((await store.get(key)).toString('utf8')) as T;
const verdicts = (report: AuditReport) => Object.fromEntries(report.regions.flatMap((r) => r.groups.map((g) => [g.groupId, g.verdict])));
const resultOf = (accountId: string) => summary.results.find((r) => r.accountId === accountId);

beforeAll(async () => {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: run this file through jest (test/global-setup.ts starts moto)');
  Object.assign(process.env, motoEnv(endpoint, HOME));

  // Prepare: an organization of three members plus the management account; the third member has no member role.
  org = await seedOrganization({ region: HOME, regions: REGIONS, names: ['org-it-payments', 'org-it-data', 'org-it-no-role'] });
  denied = org.members[2]?.accountId ?? '';
  reachable = [org.management, ...org.members.slice(0, 2).map((m) => m.accountId)].sort();
  proxy = await startStsDenyProxy(endpoint, [denied]);

  const s3 = new S3Client({ region: HOME });
  const sns = new SNSClient({ region: HOME });
  const kms = new KMSClient({ region: HOME });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: HOME } })).catch(() => undefined);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'sg-auditor-org-it' }))).TopicArn ?? '';
  receiver = await startSnsReceiver();
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: receiver.url }));
  const macKeyId = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata?.KeyId ?? '';
  store = s3ArtifactStore(s3, BUCKET);
  mac = kmsMac(kms, macKeyId);
  const config: OrgAuditConfig = {
    audit: { settings: SETTINGS, bucket: BUCKET, topicArn, macKeyId, approvalUrl: 'https://approve.example.test/', linkValidityDays: 7, dryRun: false, emailWhenClean: true },
    accounts: 'all',
    memberRoleName: ROLE,
    emailPerAccount: true,
  };
  rt = {
    config,
    logger: silent,
    metrics: noMetrics,
    home: new ClientFactory({ maxAttempts: 2 }),
    store,
    sns,
    mac,
    // The worker's STS goes through the proxy: AssumeRole into the third member is refused.
    credentials: new MemberCredentials({ sts: new STSClient({ region: HOME, endpoint: proxy.url, maxAttempts: 1 }), roleName: ROLE }),
    scanners: SCANNERS,
  };

  // Act: the synthesized audit state machine (the committed ASL, checked against CDK by definition.test.ts), run locally with its tasks bound to the real handlers.
  const run = await runOrgAuditLocally(rt);
  if (run.status !== 'SUCCEEDED') throw new Error(`the org audit execution failed: ${run.error?.Error}: ${run.error?.Cause}`);
  output = run.output as typeof output;
  summary = await readJson<OrgSummary>(output.summaryKey);
  await receiver.waitFor(4);
  emails = [...receiver.received];
}, 240_000);

afterAll(async () => {
  rt?.home.destroy();
  await receiver?.close();
  await proxy?.close();
});

describe('organization audit state machine on moto', () => {
  it('audits every ACTIVE account of the organization and reports the one without the member role as failed', () => {
    // Assess
    expect(output).toMatchObject({ accounts: 4, failed: 1 });
    expect(summary.accounts).toEqual({ total: 4, audited: 3, partial: 0, failed: 1 });
    expect(summary.results.filter((r) => r.status === 'audited').map((r) => r.accountId)).toEqual(reachable);
  });

  it('gives each reachable account the same verdicts as a single-account audit of that account', async () => {
    // Prepare
    const direct = new MemberCredentials({ sts: new STSClient({ region: HOME }), roleName: ROLE });

    for (const accountId of reachable) {
      const factory = direct.factoryFor(accountId, { maxAttempts: 2 });
      try {
        // Act
        const single = await runAudit(SETTINGS, { factory, accountId, scanners: SCANNERS });
        const fromOrg = await readJson<AuditReport>(resultOf(accountId)?.keys.report ?? '');

        // Assess
        expect(verdicts(fromOrg)).toEqual(verdicts(single));
        expect(fromOrg.regions.map((r) => r.region)).toEqual(REGIONS);
      } finally {
        factory.destroy();
      }
    }
  });

  it('classifies the seeded groups of a member: instance group in use, unused pair candidates, prod-* protected', async () => {
    // Prepare
    const member = org.members[0];
    const report = await readJson<AuditReport>(resultOf(member?.accountId ?? '')?.keys.report ?? '');

    // Act
    const found = verdicts(report);

    // Assess
    for (const region of REGIONS) {
      const groups = member?.groups[region] ?? {};
      expect([found[groups.web ?? ''], found[groups['stale-batch'] ?? ''], found[groups['peer-of-stale'] ?? ''], found[groups['prod-db'] ?? '']]).toEqual([
        'in-use',
        'candidate',
        'candidate',
        'protected',
      ]);
    }
  });

  it('reports the account without the member role failed in every region, with the AssumeRole refusal as the reason', () => {
    // Act
    const result = resultOf(denied);

    // Assess
    expect(result).toMatchObject({ status: 'failed', totals: { groups: 0, candidates: 0 } });
    expect(result?.failedRegions.map((f) => f.region)).toEqual(REGIONS);
    for (const failure of result?.failedRegions ?? []) {
      expect(failure.code).toBe('AccessDenied');
      expect(failure.message).toContain(`cannot assume arn:aws:iam::${denied}:role/${ROLE}: AccessDenied`);
    }
  });

  it('makes no group of the unreachable account a candidate anywhere in the run', async () => {
    // Prepare
    const seeded = new Set(Object.values(org.members[2]?.groups ?? {}).flatMap((g) => Object.values(g)));

    // Act
    const reports = await Promise.all(summary.results.map((r) => readJson<AuditReport>(r.keys.report)));

    // Assess
    const candidates = reports.flatMap((r) => r.regions.flatMap((g) => g.groups)).filter((g) => g.verdict === 'candidate');
    expect(candidates.filter((g) => seeded.has(g.groupId))).toEqual([]);
    expect((await readJson<AuditReport>(resultOf(denied)?.keys.report ?? '')).regions.every((r) => r.status === 'failed' && r.groups.length === 0)).toBe(true);
  });

  it('writes report.json, sg_log.txt and backup.json per account under its own audit id', async () => {
    // Act
    const keys = resultOf(org.members[1]?.accountId ?? '')?.keys;
    const log = (await store.get(keys?.log ?? '')).toString('utf8');
    const backup = await readJson<{ groups: unknown[] }>(keys?.backup ?? '');

    // Assess
    expect(keys?.report).toMatch(new RegExp(`^audits/${org.members[1]?.accountId}/\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z-[a-z0-9]{6}/report\\.json$`));
    expect(log).toContain('sg-auditor audit');
    expect(backup.groups.length).toBeGreaterThanOrEqual(8);
    expect(new Set(summary.results.map((r) => r.auditId)).size).toBe(4);
  });

  it('writes the org summary as JSON and as a table, with groups, candidates and API calls', async () => {
    // Act
    const table = (await store.get(orgKeys(output.auditId).table)).toString('utf8');

    // Assess
    expect(output.summaryKey).toBe(`audits/_org/${output.auditId}/summary.json`);
    expect(summary.totals.candidates).toBe(8);
    expect(summary.apiCalls).toBeGreaterThan(0);
    expect(table).toContain('Accounts: 4 (audited 3, partly audited 0, failed 1)');
    expect(table).toContain(`${denied} ${HOME}: AccessDenied: cannot assume`);
  });

  it('emails each account its own report with an approval link signed for that account', async () => {
    // Prepare
    const member = org.members[0]?.accountId ?? '';
    const email = emails.find((e) => e.Subject?.startsWith(`[sg-auditor] ${member}:`));
    const link = /^https:\/\/approve\.example\.test\/\?t=\S+$/m.exec(email?.Message ?? '')?.[0] ?? 'https://x/';

    // Act
    const check = await verifyToken(new URL(link).searchParams.get('t'), mac, { accountId: member, now: new Date() });

    // Assess
    expect(emails).toHaveLength(4);
    expect(email?.Subject).toBe(`[sg-auditor] ${member}: 4 unused security groups in 2 regions`);
    expect(check).toMatchObject({ ok: true, payload: { accountId: member, auditId: resultOf(member)?.auditId } });
    expect(emails.find((e) => e.Subject?.startsWith(`[sg-auditor] ${denied}:`))?.Message).toContain('REGIONS THAT FAILED');
  });

  it('sends one digest listing every account with its counts and its own link when emailPerAccount is false', async () => {
    // Prepare
    const before = receiver.received.length;
    const digestConfig = { ...rt.config, emailPerAccount: false };

    // Act
    await summaryTask(digestConfig, rt, { auditId: output.auditId, startedAt: summary.startedAt });
    await receiver.waitFor(before + 1);
    const digest = receiver.received[before];

    // Assess
    expect(digest?.Subject).toBe('[sg-auditor] organization: 8 unused security groups in 2 accounts, 1 account failed');
    for (const accountId of [...reachable, denied]) expect(digest?.Message).toContain(`- ${accountId} `);
    expect(digest?.Message.match(/review \(until [^)]+\): https:\/\/approve\.example\.test\/\?t=/g)).toHaveLength(2);
  });

  it('stores no live link: summary.json holds each link s SHA-256, and the digest s re-made links verify and hash to it', async () => {
    // Prepare
    const before = receiver.received.length;
    const stored = (await store.get(orgKeys(output.auditId).summary)).toString('utf8');

    // Act
    await summaryTask({ ...rt.config, emailPerAccount: false }, rt, { auditId: output.auditId, startedAt: summary.startedAt });
    await receiver.waitFor(before + 1);
    const links = receiver.received[before]?.Message.match(/https:\/\/approve\.example\.test\/\?t=\S+/g) ?? [];
    const checks = await Promise.all(links.map((l) => verifyToken(new URL(l).searchParams.get('t'), mac, { accountId: '123456789012', memberAccounts: true, now: new Date() })));
    const hashes = links.map((l) => createHash('sha256').update(l, 'utf8').digest('hex'));

    // Assess
    expect(stored).not.toMatch(/[?&]t=/);
    expect(links).toHaveLength(2);
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(hashes.sort()).toEqual(summary.results.flatMap((r) => (r.link ? [r.link.sha256] : [])).sort());
  });

  it('sg-audit audit --accounts runs the same plan in-process, with progress per account and the org table', async () => {
    // Prepare
    const members = org.members.slice(0, 2).map((m) => m.accountId);
    let out = '';
    let err = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), prompt: async () => '', env: {}, now: () => new Date() };
    const home = new ClientFactory({ maxAttempts: 2 });

    // Act
    const code = await runOrgAuditCli({ settings: SETTINGS, accounts: members, memberRole: ROLE, concurrency: 4, json: false, quiet: false }, io, { home, scanners: SCANNERS }).finally(() =>
      home.destroy(),
    );

    // Assess
    expect(code).toBe(0);
    for (const accountId of members) {
      expect(err).toContain(`[${accountId}] ${HOME}: 2 candidates`);
      expect(err).toContain(`[${accountId}] audited: 4 candidates, 0 unknown`);
      expect(out).toMatch(new RegExp(`^${accountId} +- +audited +2 +12 +2 +4 +6 +0 `, 'm'));
    }
  });
});

describe('deletion across accounts (organization mode, the deletion state machine run locally on moto)', () => {
  /** The group ids of an account in a region, read through that account's member role (or the home credentials). */
  async function groupsOf(accountId: string, region: string): Promise<Set<string>> {
    const factory = accountId === org.management ? new ClientFactory({ maxAttempts: 2 }) : new MemberCredentials({ sts: new STSClient({ region: HOME }), roleName: ROLE }).factoryFor(accountId, { maxAttempts: 2 });
    try {
      const out = await factory.forRegion(region).get(EC2Client).send(new DescribeSecurityGroupsCommand({}));
      return new Set((out.SecurityGroups ?? []).map((g) => g.GroupId ?? ''));
    } finally {
      factory.destroy();
    }
  }

  async function tagsOf(accountId: string, region: string, groupId: string): Promise<Record<string, string>> {
    const factory = new MemberCredentials({ sts: new STSClient({ region: HOME }), roleName: ROLE }).factoryFor(accountId, { maxAttempts: 2 });
    try {
      const out = await factory.forRegion(region).get(EC2Client).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      return Object.fromEntries((out.SecurityGroups?.[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } finally {
      factory.destroy();
    }
  }

  it("deletes the approved groups of a member account through its member role, tags the one kept there, and changes nothing in the home account", async () => {
    // Prepare: the front and the workers as the stack configures them in organization mode; the member's emailed link.
    const member = org.members[1] as (typeof org.members)[number];
    const email = emails.find((e) => e.Subject?.startsWith(`[sg-auditor] ${member.accountId}:`));
    const token = new URL(/^https:\/\/approve\.example\.test\/\?t=\S+$/m.exec(email?.Message ?? '')?.[0] ?? 'https://x/').searchParams.get('t') ?? '';
    const env = {
      ...motoEnv(process.env.MOTO_ENDPOINT as string, HOME),
      ARTIFACT_BUCKET: BUCKET,
      TOPIC_ARN: rt.config.audit.topicArn,
      MAC_KEY_ID: rt.config.audit.macKeyId,
      REGIONS: REGIONS.join(','),
      MIN_AGE_DAYS: '0',
      PROTECT_NAME_PATTERNS: 'prod-*',
      STATE_MACHINE_ARN: `arn:aws:states:${HOME}:${org.management}:stateMachine:sg-auditor-deletion`,
      ORGANIZATION: 'true',
      MEMBER_ROLE_NAME: ROLE,
    };
    const home = new ClientFactory({ maxAttempts: 2 });
    const results: string[] = [];
    const tasks = {
      ...deletionDepsFromEnv(env, { factory: home, scanners: SCANNERS, logger: silent, metrics: noMetrics, deleter: { sleep: async () => undefined, backoffMs: () => 0, callsPerSecond: 1e6 } }),
      notify: async (subject: string) => void results.push(subject),
    };
    const workflow = localDeletionWorkflow(tasks, { retryIntervalMs: 0 });
    const front = approveDepsFromEnv(env, { factory: home, logger: silent, workflow });
    const homeBefore = await Promise.all(REGIONS.map((r) => groupsOf(org.management, r)));
    const kept = member.groups[REGIONS[0] as string]?.['stale-batch'] ?? '';
    const form = new URLSearchParams([['t', token], ['keep', kept], ['keep_days', '30'], ['keep_reason', 'batch job returns in spring'], ['confirm', '3']]);

    try {
      // Act
      const posted = await handleEvent(urlEvent('POST', { body: form.toString(), base64: true }), 'org-delete', () => front, silent);
      await workflow.executions.settled();

      // Assess
      const auditId = resultOf(member.accountId)?.auditId ?? '';
      expect(posted.statusCode).toBe(303);
      expect(workflow.executions.status(deletionExecutionName({ accountId: member.accountId, auditId }))).toBe('SUCCEEDED');
      const result = await readJson<DeletionResult>(deletionKeys(member.accountId, auditId).result);
      // The kept group's rules name its peer, so the re-audit finds the peer in use there and skips it.
      expect(result).toMatchObject({ status: 'completed', accountId: member.accountId, totals: { deleted: 2, failed: 0 } });
      for (const [i, region] of REGIONS.entries()) {
        const left = await groupsOf(member.accountId, region);
        const seeded = member.groups[region] ?? {};
        expect([seeded.web, seeded['stale-batch'], seeded['peer-of-stale'], seeded['prod-db']].map((id) => left.has(id ?? ''))).toEqual([true, i === 0, i === 0, true]);
        expect(await groupsOf(org.management, region)).toEqual(homeBefore[i]);
      }
      const tags = await tagsOf(member.accountId, REGIONS[0] as string, kept);
      expect(tags).toMatchObject({ 'sg-auditor:kept-reason': 'batch job returns in spring', 'sg-auditor:kept-until': expect.stringMatching(/^\d{4}-\d{2}-\d{2}/) });
      expect(results).toEqual([expect.stringContaining(member.accountId)]);
    } finally {
      home.destroy();
    }
  });
});
