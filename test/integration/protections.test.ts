import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditReport, ClassifiedGroup } from '../../lambda/core/model';
import { motoEnv } from '../../scripts/moto-server';
import { MOTO_MISSING_SOURCES, seedScaledToZeroService } from '../../scripts/seed-account';
import { runCliOnMoto, type CliRun } from '../helpers/cli';

// This file owns ap-southeast-1 on the shared moto server (test/integration/README.md).
const REGION = 'ap-southeast-1';
const cli = (args: string[]) => runCliOnMoto(REGION, args);

/**
 * Protections written the way people and tools write them, in other cases and spacing than the
 * configuration (the defaults: DoNotDelete=true, prod-* / *-live / critical-*, Environment=Production),
 * and an ECS service scaled to 0 whose source the audit excludes.
 */
const GROUPS: Array<{ name: string; tags?: Record<string, string>; expected: ClassifiedGroup['verdict']; protection?: string }> = [
  { name: 'break-glass', tags: { donotdelete: ' TRUE ' }, expected: 'protected', protection: 'protect-tag' },
  { name: 'jump-host', tags: { ' DoNotDelete ': 'True' }, expected: 'protected', protection: 'protect-tag' },
  { name: 'PROD-db', expected: 'protected', protection: 'name-pattern' },
  { name: 'prod-eks/nodes', expected: 'protected', protection: 'name-pattern' },
  { name: 'Payments-LIVE', expected: 'protected', protection: 'name-pattern' },
  { name: 'billing', tags: { environment: 'production' }, expected: 'protected', protection: 'production-tag' },
  { name: 'eks-workers', tags: { 'kubernetes.io/cluster/x': 'owned' }, expected: 'protected', protection: 'kubernetes' },
  { name: 'karpenter-nodes', tags: { 'karpenter.sh/discovery': 'x' }, expected: 'protected', protection: 'kubernetes' },
  { name: 'lb-controller', tags: { 'elbv2.k8s.aws/cluster': 'x' }, expected: 'protected', protection: 'kubernetes' },
  { name: 'eks-cluster-sg', tags: { 'aws:eks:cluster-name': 'x' }, expected: 'protected', protection: 'kubernetes' },
  // Controls: near misses stay candidates, so the protections above are not blanket.
  { name: 'my-prod-db', tags: { DoNotDelete: 'false', Environment: 'staging' }, expected: 'candidate' },
  { name: 'temp-debug', expected: 'candidate' },
];

describe('protections and excluded sources on moto (sg-audit audit, then delete)', () => {
  const ids: Record<string, string> = {};
  let ec2: EC2Client;
  let outDir: string;
  let report: AuditReport;
  let deletion: CliRun;
  const verdict = (name: string) => report.regions[0]?.groups.find((g) => g.groupId === ids[name]);

  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', REGION));
    ec2 = new EC2Client({ region: REGION });
    const VpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.60.1.0/24' }))).Subnet?.SubnetId ?? '';
    const make = async (name: string, tags: Record<string, string> = {}) => {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      const out = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `${name} group`,
          VpcId,
          ...(Tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'security-group', Tags }] } : {}),
        }),
      );
      ids[name] = out.GroupId ?? '';
    };
    for (const g of GROUPS) await make(g.name, g.tags);

    // Used only by an ECS service scaled to 0: no network interface shows it.
    await make('reports-svc');
    await seedScaledToZeroService(new ECSClient({ region: REGION }), [subnet], ids['reports-svc'] ?? '');

    outDir = await mkdtemp(join(tmpdir(), 'sg-audit-protect-'));
    const skip = [...MOTO_MISSING_SOURCES, 'ecs-services'].join(',');
    const audit = await cli(['audit', '--regions', REGION, '--json', '--quiet', '--out', outDir, '--min-age-days', '0', '--skip-sources', skip]);
    expect(audit.code).toBe(0);
    report = JSON.parse(audit.stdout) as AuditReport;
    // The re-audit skips only what both skip: here not ecs-services.
    deletion = await cli(['delete', '--report', join(outDir, 'report.json'), '--yes', '--min-age-days', '0', '--skip-sources', MOTO_MISSING_SOURCES.join(',')]);
  }, 180_000);

  it.each(GROUPS.filter((g) => g.expected === 'protected'))('protects $name ($tags) by its $protection', ({ name, protection }) => {
    expect(verdict(name)).toMatchObject({ verdict: 'protected', protection: [protection] });
  });

  it('names the tag that Kubernetes tooling selects a group by', () => {
    expect(verdict('karpenter-nodes')?.reasons[0]).toContain('selected by Kubernetes tooling (tag karpenter.sh/discovery=x)');
  });

  it('says the production tag is refused by IAM', () => {
    expect(verdict('billing')?.reasons[0]).toBe(
      'tagged environment=production (matches Environment=Production), the production tag: the deployed IAM policy refuses to delete it',
    );
  });

  it('keeps the near misses candidates', () => {
    expect([verdict('my-prod-db')?.verdict, verdict('temp-debug')?.verdict]).toEqual(['candidate', 'candidate']);
  });

  it('makes the group of an ECS service scaled to 0 a candidate that says it is unverified by ecs-services', () => {
    const g = verdict('reports-svc');
    expect(g?.verdict).toBe('candidate');
    expect(g?.unverifiedBy).toContain('ecs-services');
    expect(g?.reasons[0]).toMatch(/^unverified by: .*ecs-services/);
  });

  it('writes the unverified candidate into sg_log.txt with an UNVERIFIED line', async () => {
    const log = await readFile(join(outDir, `${report.accountId}_sg_log.txt`), 'utf8');
    const lines = log.split('\n');
    const at = lines.findIndex((l) => l.includes(`${ids['reports-svc']} (reports-svc)`));
    expect(lines.slice(at, at + 5).join('\n')).toMatch(/ {2}UNVERIFIED by: .*ecs-services/);
  });

  it('warns before deleting and re-audits ecs-services, so the ECS group is kept', async () => {
    expect(deletion.code).toBe(0);
    expect(deletion.stdout).toMatch(/WARNING: \d+ of these groups are UNVERIFIED by: .*ecs-services/);
    expect(deletion.stdout).toContain('The re-audit before deleting checks ecs-services now.');
    expect(deletion.stdout).toContain(`SKIPPED ${ids['reports-svc']} (reports-svc) ${REGION}: now in-use`);
    const left = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids['reports-svc'] ?? ''] }))).SecurityGroups ?? [];
    expect(left).toHaveLength(1);
  });

  it('deletes the other candidates and leaves every protected group', async () => {
    for (const gone of ['my-prod-db', 'temp-debug']) {
      await expect(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids[gone] ?? ''] }))).rejects.toThrow();
    }
    const kept = GROUPS.filter((g) => g.expected === 'protected').map((g) => ids[g.name] ?? '');
    const left = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: kept }))).SecurityGroups ?? [];
    expect(left).toHaveLength(kept.length);
  });
});
