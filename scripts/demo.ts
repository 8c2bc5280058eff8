import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import { portProblem, type LocalServer } from '../lambda/approve/local-server';
import type { DeletionResult } from '../lambda/core/deletion-plan';
import type { AuditReport } from '../lambda/core/model';
import { auditKeys, deletionKeys } from '../lambda/core/s3-keys';
import { readForm } from './demo-form';
import { openMailbox, type Mailbox, type ReceivedEmail } from './demo-mailbox';
import { check, deletionChecks, expectedCandidates, survivalChecks, verdictChecks, type Check } from './demo-verify';
import { freePort, motoEnv, MotoUnavailableError, startMoto, type MotoServer } from './moto-server';
import { MOTO_MISSING_SOURCES, seedRegion, type SeededRegion } from './seed-account';

/**
 * `npm run demo`: the whole product on this machine against moto. Seeds an account in two
 * regions, runs the real audit Lambda handler, prints the email it sends, serves the real
 * approval Lambda on localhost for a person to review and delete, then prints the trail.
 * `--ci` clicks through unattended and exits 0 only if exactly the candidates were deleted.
 */

const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const HOME = REGIONS[0];
const BUCKET = 'sg-auditor-demo-artifacts';
const RULE = '-'.repeat(78);

interface Options {
  ci: boolean;
  port?: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { ci: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--ci') options.ci = true;
    else if (arg === '--port') options.port = Number(argv[(i += 1)]);
    else if (arg?.startsWith('--port=')) options.port = Number(arg.slice('--port='.length));
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run demo [-- --ci] [-- --port N] | npm run demo -- --org [--ci]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${arg}; usage: npm run demo [-- --ci] [-- --port N]`);
      process.exit(2);
    }
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    console.error('--port needs a TCP port number');
    process.exit(2);
  }
  return options;
}

const say = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
const heading = (text: string): void => say(`\n== ${text} ${'='.repeat(Math.max(3, 74 - text.length))}`);
const pad = (value: string, width: number): string => (value.length >= width ? value : value + ' '.repeat(width - value.length));

function printEmail(title: string, email: ReceivedEmail): void {
  heading(title);
  say(`Subject: ${email.subject}`);
  say(RULE);
  say(email.body.trimEnd());
  say(RULE);
}

/** Expected verdict next to the audit's, with the evidence the audit gave. */
function printVerdicts(seeded: readonly SeededRegion[], report: AuditReport): void {
  const byId = new Map(report.regions.flatMap((r) => r.groups).map((g) => [g.groupId, g]));
  say(`${pad('region', 10)} ${pad('group', 22)} ${pad('seeded as', 10)} ${pad('audit says', 10)} evidence`);
  for (const region of seeded) {
    for (const g of region.groups) {
      const found = byId.get(g.groupId);
      const evidence =
        found?.verdict === 'in-use'
          ? found.usages.map((u) => `${u.source}: ${u.resourceType} ${u.resourceName ?? u.resourceId}`).join('; ')
          : (found?.reasons.join('; ') ?? 'not in the report');
      const mark = found?.verdict === g.expected ? ' ' : '!';
      say(`${pad(region.region, 10)} ${pad(g.name, 22)} ${pad(g.expected, 10)}${mark}${pad(found?.verdict ?? '-', 10)} ${evidence.slice(0, 110)}`);
    }
  }
}

async function getText(s3: S3Client, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

async function listKeys(s3: S3Client): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/** Stops whatever was started, exactly once, then exits. */
class Lifecycle {
  moto?: MotoServer;
  local?: LocalServer;
  private stopping?: Promise<never>;

  exit(code: number): Promise<never> {
    this.stopping ??= (async () => {
      if (this.local) {
        this.local.server.closeAllConnections();
        await this.local.close();
      }
      if (this.moto) await this.moto.stop();
      process.exit(code);
    })();
    return this.stopping;
  }
}

async function setUpAccount(): Promise<{ seeded: SeededRegion[]; topicArn: string; macKeyId: string; mailbox: Mailbox }> {
  const seeded: SeededRegion[] = [];
  for (const region of REGIONS) seeded.push(await seedRegion(region));
  const s3 = new S3Client({ region: HOME });
  const sns = new SNSClient({ region: HOME });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'sg-auditor-demo' }))).TopicArn ?? '';
  const key = await new KMSClient({ region: HOME }).send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', Description: 'sg-auditor demo link signing' }));
  const mailbox = await openMailbox(sns, new SQSClient({ region: HOME }), topicArn, 'sg-auditor-demo-inbox');
  return { seeded, topicArn, macKeyId: key.KeyMetadata?.KeyId ?? '', mailbox };
}

function printSeeded(seeded: readonly SeededRegion[]): void {
  for (const region of seeded) {
    const count = (e: string) => region.groups.filter((g) => g.expected === e).length;
    say(`  ${region.region}: ${region.groups.length} groups in ${region.vpcId} (${count('in-use')} in use, ${count('candidate')} unused, ${count('protected')} protected)`);
  }
}

const scheduledEvent = (): ScheduledEvent => ({
  version: '0',
  id: 'demo',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString(),
  region: HOME,
  resources: ['arn:aws:events:us-east-1:123456789012:rule/sg-auditor-demo'],
  detail: {},
});

/** `--ci`: follow the link, check the page, submit the form as the browser would. */
async function clickThrough(link: string, candidates: readonly string[], settled: () => Promise<void>): Promise<{ checks: Check[]; posted: boolean }> {
  const page = await fetch(link);
  const html = await page.text();
  const missing = candidates.filter((id) => !html.includes(`value="${id}"`));
  const checks = [
    check(page.status === 200, 'the review page answers 200', `got ${page.status}`),
    check(missing.length === 0, `the review page lists all ${candidates.length} candidates`, `missing: ${missing.join(', ')}`),
  ];
  const form = readForm(html, link);
  checks.push(check(form?.method === 'POST', 'the review page has a POST form', form ? `method ${form.method}` : 'no form'));
  if (!form || form.method !== 'POST') return { checks, posted: false };
  const kept = form.fields.getAll('keep');
  // A person types the number of groups to delete, as the page asks.
  form.fields.set('confirm', String(candidates.length - kept.length));
  say(`GET ${new URL(link).origin}/?t=... -> ${page.status}; form posts to ${form.action} with ${[...new Set(form.fields.keys())].join(', ')} (${kept.length} kept, confirm ${form.fields.get('confirm')})`);
  const response = await fetch(form.action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'sg-auditor-demo --ci' },
    body: form.fields.toString(),
  });
  const result = await response.text();
  say(`POST ${form.action} -> ${response.status}`);
  // The front answers 303 See Other to the progress URL; fetch follows it with a GET.
  checks.push(
    check(
      response.status === 200 && response.redirected && /view=progress/.test(response.url) && /Deletion (in progress|result)/.test(result),
      'the form post redirects (303) to the progress page',
      `got ${response.status} at ${response.url.replace(/t=[^&]+/, 't=...')}`,
    ),
  );
  await settled();
  const again = await fetch(link);
  const shown = await again.text();
  checks.push(check(again.status === 200 && shown.includes('Deletion result'), 'opening the used link again shows the result', `got ${again.status}`));
  const replay = await fetch(form.action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.fields.toString() });
  checks.push(check(replay.status === 409, 'the link is single-use: posting it again answers 409', `got ${replay.status}`));
  return { checks, posted: true };
}

async function main(): Promise<void> {
  if (process.argv.includes('--org')) {
    // Organization mode has a demo of its own (scripts/demo-org.ts).
    const { runOrgDemo } = await import('./demo-org');
    process.exitCode = await runOrgDemo({ ci: process.argv.includes('--ci') });
    return;
  }
  const options = parseArgs(process.argv.slice(2));
  const busy = options.port === undefined ? undefined : await portProblem(options.port);
  if (busy) {
    console.error(`demo: --port: ${busy}`);
    process.exit(2);
  }
  const life = new Lifecycle();
  process.on('SIGINT', () => void life.exit(130));
  process.on('SIGTERM', () => void life.exit(143));
  const started = Date.now();
  // Quiet Lambda logs (warnings still show) and no EMF metric lines in the output.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

  try {
    heading('sg-auditor demo: a local AWS account emulated by moto');
    try {
      life.moto = await startMoto();
    } catch (error) {
      if (error instanceof MotoUnavailableError) {
        console.error(`The demo needs moto, a local AWS API emulator. ${error.message}`);
        return await life.exit(2);
      }
      throw error;
    }
    say(`moto is listening on ${life.moto.endpoint} (pid ${life.moto.pid}); nothing here touches real AWS.`);
    Object.assign(process.env, motoEnv(life.moto.endpoint, HOME));

    say(`Seeding the demo account in ${REGIONS.join(' and ')}...`);
    const { seeded, topicArn, macKeyId, mailbox } = await setUpAccount();
    printSeeded(seeded);
    say(`  bucket s3://${BUCKET}, topic ${topicArn}, KMS HMAC key ${macKeyId} (signs the approval link)`);

    const port = options.port ?? (await freePort());
    Object.assign(process.env, {
      ARTIFACT_BUCKET: BUCKET,
      TOPIC_ARN: topicArn,
      MAC_KEY_ID: macKeyId,
      REGIONS: REGIONS.join(','),
      SKIP_SOURCES: MOTO_MISSING_SOURCES.join(','),
      MIN_AGE_DAYS: '0',
      APPROVAL_URL: `http://127.0.0.1:${port}/`,
    });
    heading('The monthly audit (the audit Lambda handler, as EventBridge invokes it)');
    say(`REGIONS=${process.env.REGIONS}  MIN_AGE_DAYS=0  SKIP_SOURCES=${process.env.SKIP_SOURCES}`);
    say('  SKIP_SOURCES: moto does not emulate these services at all; the email names them as excluded.');
    say("  MIN_AGE_DAYS=0: moto's CloudTrail LookupEvents is stubbed empty, so group ages cannot be shown here.");
    // Imported only now: the handlers build their SDK clients and loggers from the environment at load.
    const { handler: auditHandler } = await import('../lambda/audit/handler');
    const auditStarted = Date.now();
    const audit = await auditHandler(scheduledEvent());
    say(`audit ${audit.auditId} finished in ${((Date.now() - auditStarted) / 1000).toFixed(1)} s: ${audit.totals.groups} groups, ${audit.totals.inUse} in use, ${audit.totals.candidates} candidates, ${audit.totals.protected} protected, ${audit.totals.unknown} unknown`);

    const s3 = new S3Client({ region: HOME });
    const report = JSON.parse(await getText(s3, audit.keys.report)) as AuditReport;
    const auditEmail = await mailbox.next((e) => e.messageId === audit.messageId);
    printEmail('Email 1 of 2: the audit, as the reviewers receive it', auditEmail);

    heading('What the seed set up vs what the audit concluded');
    printVerdicts(seeded, report);
    const checks: Check[] = verdictChecks(seeded, report);

    const link = /^http:\/\/127\.0\.0\.1:\d+\/\?t=\S+$/m.exec(auditEmail.body)?.[0];
    checks.push(check(link !== undefined, 'the email carries the approval link'));
    if (!link) return await finish(life, options, checks, started);

    // sg-audit serve: the approval front, and the deletion state machine run locally.
    const { serveApprovals } = await import('../lambda/cli/serve-command');
    // Refusals (the replayed post below) are logged at WARN; the demo's own output says what happened.
    const { Logger } = await import('@aws-lambda-powertools/logger');
    const quiet = new Logger({ serviceName: 'sg-auditor-demo', logLevel: 'ERROR' });
    const served = await serveApprovals(process.env, { port, logger: quiet, tasks: { deleter: { backoffMs: () => 200 } } });
    life.local = served.server;
    const trail = deletionKeys(audit.accountId, audit.auditId);
    const posted = (async () => {
      for (;;) {
        if ((await listKeys(s3)).includes(trail.log)) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    heading('The approval page (sg-audit serve: the approval front, the deletion workflow run locally)');
    say(`Serving on ${life.local.url}`);
    if (options.ci) {
      const click = await clickThrough(link, expectedCandidates(seeded), () => served.workflow.executions.settled());
      checks.push(...click.checks);
      // Without a completed post there is no trail to wait for.
      if (!click.posted || click.checks.some((c) => !c.ok)) return await finish(life, options, checks, started);
    } else {
      say('Open the link from the email in your browser:');
      say(`\n  ${link}\n`);
      say('Review the candidates, untick any you want to keep, and press Delete. (Ctrl-C stops the demo.)');
    }
    await posted;

    const result = JSON.parse(await getText(s3, trail.result)) as DeletionResult;
    heading('Deleted');
    for (const o of result.outcomes) say(`  ${pad(o.outcome, 16)} ${o.groupId} ${pad(o.groupName, 16)} ${o.region}: ${o.reason}`);
    heading(`The trail in s3://${BUCKET}`);
    const prefixes = [auditKeys(audit.accountId, audit.auditId).prefix, trail.prefix, 'approvals/'];
    for (const key of await listKeys(s3)) if (prefixes.some((p) => key.startsWith(p))) say(`  s3://${BUCKET}/${key}`);
    heading(`${trail.log}`);
    say((await getText(s3, trail.log)).trimEnd());
    printEmail('Email 2 of 2: the deletion result', await mailbox.next((e) => e.messageId !== audit.messageId));

    if (options.ci) {
      checks.push(...deletionChecks(seeded, result), ...(await survivalChecks(seeded, report)));
      return await finish(life, options, checks, started);
    }
    say('\nDone. Open the link again to see it refused (each link deletes once). Ctrl-C stops moto and the page.');
  } catch (error) {
    console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
    await life.exit(1);
  }
}

/** Prints every check and exits: 0 only when all passed. */
async function finish(life: Lifecycle, options: Options, checks: readonly Check[], started: number): Promise<never> {
  heading('Checks');
  for (const c of checks) say(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.label}${c.detail ? `: ${c.detail}` : ''}`);
  const failed = checks.filter((c) => !c.ok).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(failed === 0 ? `\nPASS: ${checks.length} checks passed in ${seconds} s` : `\nFAIL: ${failed} of ${checks.length} checks failed (${seconds} s)`);
  return life.exit(failed === 0 || !options.ci ? 0 : 1);
}

void main();
