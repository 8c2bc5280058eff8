import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { DeletionResult } from '../lambda/core/deletion-plan';
import type { AuditReport, ClassifiedGroup } from '../lambda/core/model';
import type { SeededRegion } from './seed-account';

/** The checks `npm run demo -- --ci` passes or fails on. */

export interface Check {
  ok: boolean;
  label: string;
  detail?: string;
}

export const check = (ok: boolean, label: string, detail?: string): Check => ({ ok, label, ...(ok || !detail ? {} : { detail }) });

const groupsOf = (report: AuditReport): ClassifiedGroup[] => report.regions.flatMap((r) => r.groups);
const sorted = (ids: Iterable<string>): string[] => [...ids].sort();
const sameSet = (a: Iterable<string>, b: Iterable<string>): boolean => JSON.stringify(sorted(new Set(a))) === JSON.stringify(sorted(new Set(b)));

/** The seeded candidates: what the audit must offer and the approval must delete. */
export function expectedCandidates(seeded: readonly SeededRegion[]): string[] {
  return seeded.flatMap((r) => r.groups.filter((g) => g.expected === 'candidate').map((g) => g.groupId));
}

/** Every seeded group got the verdict its use calls for, and nothing else is a candidate. */
export function verdictChecks(seeded: readonly SeededRegion[], report: AuditReport): Check[] {
  const byId = new Map(groupsOf(report).map((g) => [g.groupId, g]));
  const wrong = seeded.flatMap((r) =>
    r.groups
      .filter((g) => byId.get(g.groupId)?.verdict !== g.expected)
      .map((g) => `${r.region} ${g.name}: expected ${g.expected}, got ${byId.get(g.groupId)?.verdict ?? 'missing'}`),
  );
  const candidates = groupsOf(report).filter((g) => g.verdict === 'candidate').map((g) => g.groupId);
  const failedScans = report.regions.flatMap((r) => r.scans.filter((s) => s.status === 'failed').map((s) => `${r.region}/${s.source}: ${s.error?.code}`));
  return [
    check(wrong.length === 0, 'every seeded group got its expected verdict', wrong.join('; ')),
    check(sameSet(candidates, expectedCandidates(seeded)), 'the candidates are exactly the seeded unused groups', `candidates: ${sorted(candidates).join(', ')}`),
    check(failedScans.length === 0, 'no source failed', failedScans.join('; ')),
  ];
}

/** The approval deleted exactly the candidates, each in one piece. */
export function deletionChecks(seeded: readonly SeededRegion[], result: DeletionResult): Check[] {
  const deleted = result.outcomes.filter((o) => o.outcome === 'deleted').map((o) => o.groupId);
  const others = result.outcomes.filter((o) => o.outcome !== 'deleted').map((o) => `${o.groupId} ${o.outcome}: ${o.reason}`);
  return [
    check(sameSet(deleted, expectedCandidates(seeded)), 'the deleted groups are exactly the candidates', `deleted: ${sorted(deleted).join(', ')}`),
    check(others.length === 0, 'no group was skipped or failed', others.join('; ')),
  ];
}

/** What moto holds now: the candidates are gone, every in-use and protected group is still there. */
export async function survivalChecks(seeded: readonly SeededRegion[], report: AuditReport): Promise<Check[]> {
  const existing = new Set<string>();
  for (const { region } of report.regions) {
    const out = await new EC2Client({ region }).send(new DescribeSecurityGroupsCommand({}));
    for (const g of out.SecurityGroups ?? []) if (g.GroupId) existing.add(g.GroupId);
  }
  const candidates = expectedCandidates(seeded);
  const stillThere = candidates.filter((id) => existing.has(id));
  const kept = [
    ...seeded.flatMap((r) => r.groups.filter((g) => g.expected !== 'candidate').map((g) => `${g.groupId} (${r.region} ${g.name}, ${g.expected})`)),
    ...groupsOf(report)
      .filter((g) => g.verdict !== 'candidate' && !seeded.some((r) => r.groups.some((s) => s.groupId === g.groupId)))
      .map((g) => `${g.groupId} (${g.region} ${g.groupName}, ${g.verdict})`),
  ];
  const lost = kept.filter((k) => !existing.has(k.split(' ')[0] ?? ''));
  return [
    check(stillThere.length === 0, 'DescribeSecurityGroups no longer finds any candidate', `still there: ${stillThere.join(', ')}`),
    check(lost.length === 0, `DescribeSecurityGroups still finds all ${kept.length} in-use and protected groups`, `missing: ${lost.join('; ')}`),
  ];
}
