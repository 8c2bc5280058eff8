import { classifyRegion, type ClassifyOptions } from '../../lambda/core/classify';
import type { GroupRecord, RuleRecord, ScanResult, SourceId, Usage } from '../../lambda/core/model';
import { ACCOUNT, group, REGION } from '../helpers/scanner-harness';

const NOW = new Date('2026-11-26T00:00:00Z');
const OPTIONS: ClassifyOptions = {
  accountId: ACCOUNT,
  protectTags: [{ key: 'DoNotDelete', value: 'true' }],
  productionTags: [{ key: 'Environment', value: 'Production' }],
  protectNamePatterns: ['prod-*', '*-live', 'critical-*'],
  minAgeDays: 7,
  now: NOW,
};

function scan(source: SourceId, usages: Array<Partial<Usage> & { groupId: string }>, extra: Partial<ScanResult> = {}): ScanResult {
  return {
    source,
    region: REGION,
    status: 'ok',
    apiCalls: 1,
    usages: usages.map((u) => ({ region: REGION, source, resourceType: 'thing', resourceId: 'r-1', ...u })),
    ...extra,
  };
}

function ref(from: string, to: string, isEgress = false): RuleRecord {
  return { ruleId: `sgr-${from}-${to}`, isEgress, ipProtocol: 'tcp', fromPort: 443, toPort: 443, referencedGroup: { groupId: to } };
}

/** The usages the sg-rule-references scanner reports for these groups' rules. */
function referenceScan(groups: GroupRecord[]): ScanResult {
  const usages = groups.flatMap((g) =>
    [...g.ingress, ...g.egress].map((r) => ({
      groupId: r.referencedGroup?.groupId ?? '',
      resourceType: 'security-group',
      resourceId: g.groupId,
    })),
  );
  return scan('sg-rule-references', usages);
}

function verdicts(groups: GroupRecord[], scans: ScanResult[], options: Partial<ClassifyOptions> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of classifyRegion(groups, scans, { ...OPTIONS, ...options })) out[g.groupId] = g.verdict;
  return out;
}

describe('classifyRegion: protection', () => {
  it('protects the VPC default group even when nothing uses it', () => {
    const [g] = classifyRegion([group('sg-d', { groupName: 'default' })], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['default-group'] });
  });

  it('protects a group carrying the protection tag', () => {
    const [g] = classifyRegion([group('sg-t', { tags: { DoNotDelete: 'true' } })], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['protect-tag'] });
    expect(g?.reasons[0]).toBe('tagged DoNotDelete=true');
  });

  it('does not protect a group whose protection tag has another value', () => {
    expect(verdicts([group('sg-t', { tags: { DoNotDelete: 'false' } })], [])['sg-t']).toBe('candidate');
  });

  it.each([
    ['prod-*', 'prod-web'],
    ['*-live', 'payments-live'],
    ['critical-*', 'critical-db'],
  ])('protects a group whose name matches the glob %s', (pattern, name) => {
    const [g] = classifyRegion([group('sg-n', { groupName: name })], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['name-pattern'] });
    expect(g?.reasons[0]).toContain(pattern);
  });

  it('does not protect a name that only contains a pattern in the middle', () => {
    expect(verdicts([group('sg-n', { groupName: 'my-prod-web' })], [])['sg-n']).toBe('candidate');
  });

  it('protects a group managed by CloudFormation and names the stack', () => {
    const [g] = classifyRegion([group('sg-c', { tags: { 'aws:cloudformation:stack-name': 'network' } })], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['cloudformation'] });
    expect(g?.reasons[0]).toContain('network');
  });

  it('protects a group owned by another account', () => {
    const [g] = classifyRegion([group('sg-o', { ownerId: '999999999999' })], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['other-owner'] });
  });

  it('protects a group created less than minAgeDays ago', () => {
    const age = scan('cloudtrail-age', [], { createdAt: { 'sg-new': '2026-11-24T00:00:00.000Z' } });
    const [g] = classifyRegion([group('sg-new')], [age], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['too-new'] });
  });

  it('does not protect a group created before minAgeDays', () => {
    const age = scan('cloudtrail-age', [], { createdAt: { 'sg-old': '2026-11-01T00:00:00.000Z' } });
    expect(verdicts([group('sg-old')], [age])['sg-old']).toBe('candidate');
  });

  it('keeps a protected group protected even when it is also in use', () => {
    const uses = scan('ec2-instances', [{ groupId: 'sg-d' }]);
    expect(verdicts([group('sg-d', { groupName: 'default' })], [uses])['sg-d']).toBe('protected');
  });
});

describe('classifyRegion: protections as people write them', () => {
  it.each(['Prod-db', 'PROD-db', 'prod-eks/nodes', 'PROD-EKS/Nodes/blue'])('protects %s under the pattern prod-* (case ignored, * crosses /)', (name) => {
    // Prepare
    const groups = [group('sg-n', { groupName: name })];

    // Act
    const [g] = classifyRegion(groups, [], OPTIONS);

    // Assess
    expect(g).toMatchObject({ verdict: 'protected', protection: ['name-pattern'], reasons: ['name matches protected pattern prod-*'] });
  });

  it.each([
    ['web(prod)-*', 'web(prod)-api'],
    ['team+{a,b}-*', 'team+{a,b}-x'],
    ['!keep-*', '!keep-me'],
    ['db-[0-9]?', 'DB-7a'],
    ['db-[!x]', 'db-y'],
  ])('reads %s literally apart from * ? and [...] and protects %s', (pattern, name) => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-n', { groupName: name })], [], { ...OPTIONS, protectNamePatterns: [pattern] });

    // Assess
    expect(g?.verdict).toBe('protected');
  });

  it.each([
    ['!keep-*', 'other'],
    ['db-[!x]', 'db-X'],
    ['db-?', 'db-12'],
  ])('does not let %s protect %s', (pattern, name) => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-n', { groupName: name })], [], { ...OPTIONS, protectNamePatterns: [pattern] });

    // Assess
    expect(g?.verdict).toBe('candidate');
  });

  it.each([
    [{ DoNotDelete: 'True' }],
    [{ donotdelete: 'TRUE' }],
    [{ ' donotdelete ': ' TRUE ' }],
    [{ DONOTDELETE: 'true ' }],
  ])('protects a group tagged %j (case and surrounding spaces ignored)', (tags) => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-t', { tags })], [], OPTIONS);

    // Assess
    expect(g).toMatchObject({ verdict: 'protected', protection: ['protect-tag'] });
  });

  it('names the configured spelling when the group spells the protection tag differently', () => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-t', { tags: { donotdelete: ' TRUE ' } })], [], OPTIONS);

    // Assess
    expect(g?.reasons[0]).toBe('tagged donotdelete= TRUE  (matches DoNotDelete=true)');
  });

  it('protects a group carrying any of several protection tags', () => {
    // Prepare
    const options = { ...OPTIONS, protectTags: [{ key: 'DoNotDelete', value: 'true' }, { key: 'Keep', value: 'yes' }] };

    // Act
    const [g] = classifyRegion([group('sg-t', { tags: { keep: 'Yes' } })], [], options);

    // Assess
    expect(g).toMatchObject({ verdict: 'protected', protection: ['protect-tag'] });
  });

  it('protects a group carrying the production tag, saying that IAM would refuse the deletion', () => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-p', { tags: { environment: 'production' } })], [], OPTIONS);

    // Assess
    expect(g).toMatchObject({ verdict: 'protected', protection: ['production-tag'] });
    expect(g?.reasons[0]).toBe(
      'tagged environment=production (matches Environment=Production), the production tag: the deployed IAM policy refuses to delete it',
    );
  });

  it('protects a group carrying a configured production tag other than the default', () => {
    // Prepare
    const options = { ...OPTIONS, productionTags: [{ key: 'Stage', value: 'prod' }] };

    // Act
    const out = verdicts([group('sg-s', { tags: { Stage: 'prod' } }), group('sg-e', { tags: { Environment: 'Production' } })], [], options);

    // Assess
    expect(out).toEqual({ 'sg-s': 'protected', 'sg-e': 'candidate' });
  });

  it.each([
    ['karpenter.sh/discovery', 'my-cluster'],
    ['kubernetes.io/cluster/my-cluster', 'owned'],
    ['kubernetes.io/cluster/other', 'shared'],
    ['elbv2.k8s.aws/cluster', 'my-cluster'],
    ['aws:eks:cluster-name', 'my-cluster'],
  ])('protects a group selected by Kubernetes tooling through the tag %s, naming the tag', (key, value) => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-k', { tags: { [key]: value } })], [], OPTIONS);

    // Assess
    expect(g).toMatchObject({ verdict: 'protected', protection: ['kubernetes'] });
    expect(g?.reasons[0]).toContain(`${key}=${value}`);
  });

  it.each([
    ['ManagedByAmazonSageMakerResource', 'arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc', 'Amazon SageMaker'],
    ['elasticbeanstalk:environment-name', 'web-prod', 'Elastic Beanstalk'],
    ['elasticbeanstalk:environment-id', 'e-abc123', 'Elastic Beanstalk'],
    ['for-use-with-amazon-emr-managed-policies', 'true', 'Amazon EMR'],
    ['AmazonECSManaged', '', 'Amazon ECS'],
    ['alpha.eksctl.io/cluster-name', 'dev', 'eksctl'],
    ['aws:servicecatalog:provisionedProductArn', 'arn:aws:servicecatalog:us-east-1:123456789012:stack/x/pp-1', 'Service Catalog'],
    ['aws:somefutureservice:owner', 'x', 'AWS (somefutureservice)'],
  ])('protects a group carrying the managed-service tag %s, naming the service', (key, value, service) => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-m', { tags: { [key]: value } })], [], OPTIONS);

    // Assess
    expect(g).toMatchObject({ verdict: 'protected', protection: ['managed-service'] });
    expect(g?.reasons[0]).toContain(`managed by ${service} (tag ${key}=${value})`);
  });

  it('does not protect a group tagged for-use-with-amazon-emr-managed-policies with a value other than true', () => {
    // Prepare / Act
    const out = verdicts([group('sg-e', { tags: { 'for-use-with-amazon-emr-managed-policies': 'false' } })], []);

    // Assess
    expect(out['sg-e']).toBe('candidate');
  });

  it('keeps CloudFormation and Kubernetes tags as their own protections, not as managed-service ones', () => {
    // Prepare / Act
    const [g] = classifyRegion(
      [group('sg-c', { tags: { 'aws:cloudformation:stack-name': 'net', 'aws:cloudformation:stack-id': 'arn:x', 'aws:eks:cluster-name': 'c' } })],
      [],
      OPTIONS,
    );

    // Assess
    expect(g?.protection).toEqual(['cloudformation', 'kubernetes']);
    expect(g?.reasons[0]).toContain('managed by CloudFormation stack net');
  });

  it('does not protect a group whose tag only resembles a Kubernetes selector', () => {
    // Prepare / Act
    const out = verdicts([group('sg-k', { tags: { 'kubernetes.io/role': 'x', 'karpenter.sh/discovery-old': 'x' } })], []);

    // Assess
    expect(out['sg-k']).toBe('candidate');
  });
});

describe('classifyRegion: kept by a reviewer', () => {
  const keptGroup = (until: string) => group('sg-k', { tags: { 'sg-auditor:kept-until': until, 'sg-auditor:kept-reason': 'runs in January' } });

  it('protects a group a reviewer kept, with the date and the reason', () => {
    const [g] = classifyRegion([keptGroup('2027-01-31')], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['kept-by-reviewer'], reasons: ['kept by reviewer until 2027-01-31: runs in January'] });
  });

  it('makes a kept group a candidate again once the date has passed, saying it was kept', () => {
    const [g] = classifyRegion([keptGroup('2026-11-25')], [], OPTIONS);
    expect(g?.verdict).toBe('candidate');
    expect(g?.reasons).toContain('was kept by reviewer until 2026-11-25, which has passed: runs in January');
  });

  it('protects a group whose kept-until date is malformed', () => {
    const [g] = classifyRegion([keptGroup('2027-13-01')], [], OPTIONS);
    expect(g).toMatchObject({ verdict: 'protected', protection: ['kept-by-reviewer'] });
    expect(g?.reasons[0]).toMatch(/^tag sg-auditor:kept-until is malformed \("2027-13-01"/);
  });
});

describe('classifyRegion: candidates cleared while sources were excluded', () => {
  const skipped = (source: SourceId) => scan(source, [], { status: 'skipped', note: 'excluded by skipSources' });

  it('says first, in its reasons, which excluded sources never checked the candidate', () => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-a')], [scan('network-interfaces', []), skipped('lambda'), skipped('ecs-services')], OPTIONS);

    // Assess
    expect(g?.verdict).toBe('candidate');
    expect(g?.unverifiedBy).toEqual(['ecs-services', 'lambda']);
    expect(g?.reasons[0]).toBe('unverified by: ecs-services, lambda (excluded by skipSources, so a use there was never looked for)');
  });

  it('marks nothing unverified when no source was excluded', () => {
    // Prepare / Act
    const [g] = classifyRegion([group('sg-a')], [scan('network-interfaces', [])], OPTIONS);

    // Assess
    expect(g?.verdict).toBe('candidate');
    expect(g?.unverifiedBy).toBeUndefined();
    expect(g?.reasons.join(' ')).not.toContain('unverified');
  });

  it('marks only candidates unverified, not groups kept for other reasons', () => {
    // Prepare / Act
    const out = classifyRegion([group('sg-u'), group('sg-d', { groupName: 'default' })], [scan('lambda', [{ groupId: 'sg-u' }]), skipped('ecs-services')], OPTIONS);

    // Assess
    expect(out.map((g) => g.unverifiedBy)).toEqual([undefined, undefined]);
  });
});

describe('classifyRegion: usage and references', () => {
  it('marks a group with direct evidence in use and keeps the evidence', () => {
    const [g] = classifyRegion([group('sg-a')], [scan('elbv2', [{ groupId: 'sg-a', resourceType: 'ALB', resourceId: 'arn:lb', resourceName: 'web' }])], OPTIONS);
    expect(g?.verdict).toBe('in-use');
    expect(g?.usages).toHaveLength(1);
    expect(g?.reasons[0]).toContain('ALB web');
  });

  it('does not count a self-reference as usage', () => {
    const groups = [group('sg-self', { ingress: [ref('sg-self', 'sg-self')] })];
    expect(verdicts(groups, [referenceScan(groups)])['sg-self']).toBe('candidate');
  });

  it('makes both groups of an unused pair that reference each other candidates', () => {
    const groups = [group('sg-a', { ingress: [ref('sg-a', 'sg-b')] }), group('sg-b', { ingress: [ref('sg-b', 'sg-a')] })];
    expect(verdicts(groups, [referenceScan(groups)])).toEqual({ 'sg-a': 'candidate', 'sg-b': 'candidate' });
  });

  it('makes an unused group referenced only by an unused group a candidate too', () => {
    const groups = [group('sg-a', { ingress: [ref('sg-a', 'sg-b')] }), group('sg-b')];
    expect(verdicts(groups, [referenceScan(groups)])).toEqual({ 'sg-a': 'candidate', 'sg-b': 'candidate' });
  });

  it('keeps a group referenced by the egress rule of an in-use group', () => {
    const groups = [group('sg-a', { egress: [ref('sg-a', 'sg-b', true)] }), group('sg-b')];
    const scans = [referenceScan(groups), scan('ec2-instances', [{ groupId: 'sg-a' }])];
    const out = classifyRegion(groups, scans, OPTIONS);
    expect(out.find((g) => g.groupId === 'sg-b')).toMatchObject({ verdict: 'in-use' });
    expect(out.find((g) => g.groupId === 'sg-b')?.reasons[0]).toContain('sg-a');
  });

  it('keeps every group of a chain of three that starts at an in-use group', () => {
    const groups = [group('sg-a', { ingress: [ref('sg-a', 'sg-b')] }), group('sg-b', { ingress: [ref('sg-b', 'sg-c')] }), group('sg-c')];
    const scans = [referenceScan(groups), scan('lambda', [{ groupId: 'sg-a' }])];
    expect(verdicts(groups, scans)).toEqual({ 'sg-a': 'in-use', 'sg-b': 'in-use', 'sg-c': 'in-use' });
  });

  it('keeps a group referenced by a protected group', () => {
    const groups = [group('sg-p', { groupName: 'prod-api', ingress: [ref('sg-p', 'sg-b')] }), group('sg-b')];
    expect(verdicts(groups, [referenceScan(groups)])['sg-b']).toBe('in-use');
  });

  it('keeps a group referenced from a peered VPC', () => {
    const peered = scan('peered-references', [{ groupId: 'sg-x', resourceType: 'peered VPC', resourceId: 'vpc-other' }]);
    expect(verdicts([group('sg-x')], [peered])['sg-x']).toBe('in-use');
  });
});

describe('classifyRegion: failing closed', () => {
  it('makes a group without evidence unknown when any source failed, naming the source', () => {
    const failed = scan('rds', [], { status: 'failed', error: { code: 'AccessDenied', message: 'no' } });
    const [g] = classifyRegion([group('sg-a')], [failed], OPTIONS);
    expect(g).toMatchObject({ verdict: 'unknown', failedSources: ['rds'] });
  });

  it('still marks a group in use from evidence when another source failed', () => {
    const failed = scan('rds', [], { status: 'failed', error: { code: 'AccessDenied', message: 'no' } });
    expect(verdicts([group('sg-a')], [failed, scan('lambda', [{ groupId: 'sg-a' }])])['sg-a']).toBe('in-use');
  });

  it('keeps the target of a reference from an unknown group out of the candidates', () => {
    const groups = [group('sg-a', { ingress: [ref('sg-a', 'sg-b')] }), group('sg-b')];
    const failed = scan('ecs-services', [], { status: 'failed', error: { code: 'ThrottlingException', message: 'slow down' } });
    const out = classifyRegion(groups, [referenceScan(groups), failed], OPTIONS);
    expect(out.map((g) => g.verdict)).toEqual(['unknown', 'unknown']);
  });

  it('does not treat a skipped source as a failure', () => {
    const skipped = scan('mwaa', [], { status: 'skipped', note: 'excluded by skipSources' });
    expect(verdicts([group('sg-a')], [skipped])['sg-a']).toBe('candidate');
  });

  it('keeps a group referenced by a group of another region or account out of the candidates', () => {
    const refs = scan('sg-rule-references', [{ groupId: 'sg-b', resourceType: 'security-group', resourceId: 'sg-elsewhere' }]);
    expect(verdicts([group('sg-b')], [refs])['sg-b']).toBe('in-use');
  });
});

describe('classifyRegion: references when a source failed', () => {
  it('reports a group referenced by an in-use group as in use, not unknown', () => {
    const groups = [group('sg-a', { ingress: [ref('sg-a', 'sg-b')] }), group('sg-b'), group('sg-c')];
    const failed = scan('rds', [], { status: 'failed', error: { code: 'AccessDenied', message: 'no' } });
    const scans = [referenceScan(groups), failed, scan('lambda', [{ groupId: 'sg-a' }])];
    expect(verdicts(groups, scans)).toEqual({ 'sg-a': 'in-use', 'sg-b': 'in-use', 'sg-c': 'unknown' });
  });
});
