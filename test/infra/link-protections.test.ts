import { DELETION_ACTIONS } from '../../lambda/aws/deleter';
import { actionsOf, bySid, logicalId, policyDocuments, roleStatements, synthStack, type Json, type Statement, type Synthesized } from './infra-fixture';

/**
 * Who can sign and approve: the rights around the approval link, read from the synthesized
 * template. An attacker inside the account with wide IAM rights must not be able to mint a link,
 * reopen a used one, or subscribe to the emails from elsewhere.
 */
let synth: Synthesized;
let ids: { audit: string; approve: string; started: string; bucket: string; topic: string; macKey: string };

beforeAll(() => {
  synth = synthStack();
  const { stack } = synth;
  ids = {
    audit: logicalId(stack, stack.audit.role),
    approve: logicalId(stack, stack.approve.role),
    started: logicalId(stack, stack.deletion.functions.started.role),
    bucket: logicalId(stack, stack.bucket),
    topic: logicalId(stack, stack.topic),
    macKey: logicalId(stack, stack.macKey),
  };
});

function resourceOfType(type: string, pick: (properties: Json) => boolean = () => true): Json {
  const found = Object.values(synth.resources).filter((r) => r.Type === type && pick(r.Properties ?? {}));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]?.Properties ?? {};
}

/** The stack with regions as a list, synthesized once for the tests that need it. */
let listed: Synthesized | undefined;
const listedRegions = (): Synthesized => (listed ??= synthStack({ regions: 'us-east-1,eu-west-1' }));

const macKeyStatements = (): Statement[] => ((synth.resources[ids.macKey]?.Properties?.KeyPolicy as { Statement: Statement[] }) ?? { Statement: [] }).Statement;
const roleArn = (roleId: string) => ({ 'Fn::GetAtt': [roleId, 'Arn'] });
const principalsOf = (s: Statement): unknown[] => {
  const aws = (s.Principal as { AWS?: unknown } | undefined)?.AWS;
  return Array.isArray(aws) ? aws : [aws];
};
const objectArn = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, `/${prefix}/*`]] });

describe('approval MAC key policy', () => {
  it('allows GenerateMac only to the audit role, named in the key policy', () => {
    // Prepare / Act
    const allows = macKeyStatements().filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('kms:GenerateMac'));

    // Assess
    expect(allows.map((s) => principalsOf(s))).toEqual([[roleArn(ids.audit)]]);
  });

  it("allows VerifyMac only to the approval front and the deletion workflow's started task, named in the key policy", () => {
    // Prepare / Act
    const allows = macKeyStatements().filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('kms:VerifyMac'));

    // Assess
    expect(allows.map((s) => principalsOf(s))).toEqual([[roleArn(ids.approve), roleArn(ids.started)]]);
  });

  it('denies GenerateMac and VerifyMac to every other principal, grants and kms:* policies included', () => {
    // Prepare / Act
    const signer = bySid(macKeyStatements(), 'NoOtherSigner');
    const verifier = bySid(macKeyStatements(), 'NoOtherVerifier');

    // Assess
    expect(signer).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:GenerateMac', Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roleArn(ids.audit)] } } });
    expect(verifier).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:VerifyMac',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roleArn(ids.approve), roleArn(ids.started)] } },
    });
  });

  it('lets the account administer the key, but delegates neither its use nor grants', () => {
    // Prepare
    const root = macKeyStatements().filter((s) => JSON.stringify(s.Principal).includes(':root'));

    // Act
    const delegated = root.flatMap(actionsOf);

    // Assess
    expect(root.map((s) => s.Effect)).toEqual(['Allow']);
    expect(delegated).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DescribeKey']));
    for (const action of ['kms:GenerateMac', 'kms:VerifyMac', 'kms:CreateGrant']) expect(delegated).not.toContain(action);
  });
});

describe('artifact bucket policy', () => {
  const bucketStatements = () => (resourceOfType('AWS::S3::BucketPolicy', (p) => JSON.stringify(p.Bucket).includes(ids.bucket)).PolicyDocument as { Statement: Statement[] }).Statement;

  it('denies DeleteObject and DeleteObjectVersion on approvals/, deletions/ and audits/ to every principal', () => {
    // Prepare / Act
    const deny = bySid(bucketStatements(), 'LocksTrailsAndEvidenceAreNeverDeleted');

    // Assess
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Resource: [objectArn('approvals'), objectArn('deletions'), objectArn('audits')] });
    expect(actionsOf(deny).sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    expect(deny.Condition).toBeUndefined();
  });

  it('denies writing under approvals/ without If-None-Match, so a lock is never overwritten', () => {
    // Prepare / Act
    const deny = bySid(bucketStatements(), 'LocksAreOnlyCreated');

    // Assess
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: objectArn('approvals'),
      Condition: { Null: { 's3:if-none-match': 'true' } },
    });
  });
});

describe('notification topic policy', () => {
  it('denies sns:Subscribe to principals outside the account', () => {
    // Prepare
    const policy = resourceOfType('AWS::SNS::TopicPolicy');

    // Act
    const deny = bySid((policy.PolicyDocument as { Statement: Statement[] }).Statement, 'SubscribeOnlyFromThisAccount');

    // Assess
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Subscribe',
      Resource: { Ref: ids.topic },
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
    });
  });
});

describe('deletion rights', () => {
  it('are conditioned on the configured regions when regions is a list', () => {
    // Prepare
    const s = listedRegions();
    const role = roleStatements(s.resources, logicalId(s.stack, s.stack.deletion.functions.batch.role));

    // Act
    const allow = bySid(role, 'DeleteUnprotectedSecurityGroups');

    // Assess
    expect(actionsOf(allow).sort()).toEqual([...DELETION_ACTIONS].sort());
    expect(allow.Condition?.StringEquals).toEqual({ 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] });
  });

  it('carry no region condition when every region is audited', () => {
    // Prepare
    const role = roleStatements(synth.resources, logicalId(synth.stack, synth.stack.deletion.functions.batch.role));

    // Act
    const allow = bySid(role, 'DeleteUnprotectedSecurityGroups');

    // Assess
    expect(allow.Condition?.StringEquals).toBeUndefined();
  });
});

describe('keep tagging rights', () => {
  const keepRole = (s: Synthesized) => roleStatements(s.resources, logicalId(s.stack, s.stack.deletion.functions.keep.role));

  it('let the keep task CreateTags on existing security groups only with the two keep keys', () => {
    // Prepare / Act
    const allow = bySid(keepRole(synth), 'TagKeptGroupsWithTheKeepKeysOnly');

    // Assess
    expect(allow.Effect).toBe('Allow');
    expect(actionsOf(allow)).toEqual(['ec2:CreateTags']);
    expect(JSON.stringify(allow.Resource)).toContain(':security-group/*');
    expect(allow.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['sg-auditor:kept-until', 'sg-auditor:kept-reason'] },
      Null: { 'aws:TagKeys': 'false', 'ec2:CreateAction': 'true' },
    });
  });

  it('are conditioned on the configured regions when regions is a list', () => {
    // Prepare
    const s = listedRegions();

    // Act
    const allow = bySid(keepRole(s), 'TagKeptGroupsWithTheKeepKeysOnly');

    // Assess
    expect(allow.Condition?.StringEquals).toEqual({ 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] });
  });

  it('are given to no other principal: only the keep task may tag', () => {
    // Prepare
    const keepRoleId = logicalId(synth.stack, synth.stack.deletion.functions.keep.role);

    // Act
    const taggers = policyDocuments(synth.resources)
      .filter((d) => d.statements.some((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => /^ec2:(CreateTags|\*)$/i.test(a))))
      .map((d) => d.resourceId);

    // Assess
    expect(taggers).toHaveLength(1);
    expect(JSON.stringify(synth.resources[taggers[0] as string]?.Properties?.Roles)).toContain(keepRoleId);
  });
});
