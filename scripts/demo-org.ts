import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { s3ArtifactStore } from '../lambda/aws/artifact-store';
import { ClientFactory } from '../lambda/aws/client-factory';
import { MemberCredentials } from '../lambda/aws/member-role';
import { kmsMac } from '../lambda/aws/signer';
import type { AuditReport, SourceId } from '../lambda/core/model';
import { orgKeys, type OrgSummary } from '../lambda/core/org';
import { runOrgAuditLocally } from '../lambda/workflows/org-audit/local';
import type { OrgRuntime } from '../lambda/workflows/org-audit/runtime';
import { openMailbox } from './demo-mailbox';
import { motoEnv, startMoto, type MotoServer } from './moto-server';
import { MOTO_MISSING_SOURCES } from './seed-account';
import { seedOrganization } from './seed-org';
import { startStsDenyProxy } from './sts-deny-proxy';

/**
 * `npm run demo -- --org`: the organization audit on this machine. moto serves an Organization
 * of four accounts (one without the member role: a local STS proxy refuses its AssumeRole);
 * the synthesized audit state machine runs locally with its tasks bound to the real handlers;
 * the demo prints the run, the digest email and the summary table, then checks them.
 */

const REGIONS = ['us-east-1', 'eu-west-1'];
const HOME = 'us-east-1';
const BUCKET = 'sg-auditor-demo-org';
const say = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
const heading = (text: string): void => say(`\n== ${text} ${'='.repeat(Math.max(3, 74 - text.length))}`);

export async function runOrgDemo(options: { ci: boolean }): Promise<number> {
  let moto: MotoServer | undefined;
  let proxy: Awaited<ReturnType<typeof startStsDenyProxy>> | undefined;
  const home = new ClientFactory({ maxAttempts: 2 });
  try {
    heading('Starting moto (local AWS API emulator)');
    moto = await startMoto();
    Object.assign(process.env, motoEnv(moto.endpoint, HOME));
    say(`moto on ${moto.endpoint}`);

    heading('Seeding an AWS Organization');
    const org = await seedOrganization({ region: HOME, regions: REGIONS, names: ['payments-prod', 'data-lake', 'legacy-no-role'] });
    const denied = org.members[2]?.accountId ?? '';
    proxy = await startStsDenyProxy(moto.endpoint, [denied]);
    say(`organization ${org.organizationId}: management ${org.management}`);
    for (const m of org.members) say(`  ${m.accountId} ${m.name}: 4 groups in each of ${REGIONS.join(', ')}${m.accountId === denied ? ' (no member role: AssumeRole is refused)' : ''}`);

    const s3 = new S3Client({ region: HOME });
    const sns = new SNSClient({ region: HOME });
    const kms = new KMSClient({ region: HOME });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'sg-auditor-demo-org' }))).TopicArn ?? '';
    const mailbox = await openMailbox(sns, new SQSClient({ region: HOME }), topicArn, 'sg-auditor-demo-org-inbox');
    const macKeyId = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata?.KeyId ?? '';
    const store = s3ArtifactStore(s3, BUCKET);
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, appendKeys: () => undefined, removeKeys: () => undefined };
    const rt: OrgRuntime = {
      config: {
        audit: {
          settings: { regions: REGIONS, skipSources: [...MOTO_MISSING_SOURCES] as SourceId[], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: ['prod-*'], minAgeDays: 0 },
          bucket: BUCKET,
          topicArn,
          macKeyId,
          approvalUrl: 'http://127.0.0.1:8080/',
          linkValidityDays: 7,
          dryRun: false,
          emailWhenClean: true,
        },
        accounts: 'all',
        memberRoleName: 'sg-auditor-member',
        emailPerAccount: false,
      },
      logger: quiet,
      metrics: { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined },
      home,
      store,
      sns,
      mac: kmsMac(kms, macKeyId),
      credentials: new MemberCredentials({ sts: new STSClient({ region: HOME, endpoint: proxy.url, maxAttempts: 1 }), roleName: 'sg-auditor-member' }),
    };

    heading('Running the synthesized audit state machine locally');
    say('(lambda/workflows/org-audit/definition.asl.json, synthesized from the CDK construct; the Distributed Maps run their ItemProcessor as machines of their own)');
    const started = Date.now();
    const run = await runOrgAuditLocally(rt, {
      onState: (name) => say(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${name}`),
    });
    if (run.status !== 'SUCCEEDED') throw new Error(`the org audit execution failed: ${run.error?.Error}: ${run.error?.Cause}`);
    const output = run.output as { auditId: string; summaryKey: string };
    const summary = JSON.parse((await store.get(output.summaryKey)).toString('utf8')) as OrgSummary;

    heading('The digest email (emailPerAccount=false)');
    const digest = await mailbox.next((e) => e.subject.includes('organization'));
    say(`Subject: ${digest.subject}`);
    say(digest.body);

    heading(`s3://${BUCKET}/${orgKeys(output.auditId).table}`);
    say((await store.get(orgKeys(output.auditId).table)).toString('utf8'));

    const failed = summary.results.find((r) => r.accountId === denied);
    const reports = await Promise.all(summary.results.filter((r) => r.keys.report).map(async (r) => JSON.parse((await store.get(r.keys.report)).toString('utf8')) as AuditReport));
    const deniedGroups = new Set(Object.values(org.members[2]?.groups ?? {}).flatMap((g) => Object.values(g)));
    const checks: Array<[string, boolean]> = [
      ['every account of the organization is in the summary', summary.accounts.total === 4],
      ['the account without the member role is reported failed with AccessDenied', failed?.status === 'failed' && failed.failedRegions.every((f) => f.code === 'AccessDenied')],
      ['no group of that account is a candidate', !reports.some((r) => r.regions.some((g) => g.groups.some((x) => deniedGroups.has(x.groupId) && x.verdict === 'candidate')))],
      ['each reachable member has its unused groups as candidates and a link', org.members.slice(0, 2).every((m) => (summary.results.find((r) => r.accountId === m.accountId)?.totals.candidates ?? 0) >= 4 && summary.results.find((r) => r.accountId === m.accountId)?.link !== undefined)],
      ['the digest lists every account', summary.results.every((r) => digest.body.includes(r.accountId))],
    ];
    heading('Checks');
    for (const [what, ok] of checks) say(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    const allOk = checks.every(([, ok]) => ok);
    if (!options.ci) say('\n(the approval links need the approval front: `npm run demo` shows that part for one account)');
    return allOk ? 0 : 1;
  } finally {
    home.destroy();
    await proxy?.close();
    await moto?.stop();
  }
}
