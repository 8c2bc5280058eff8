import { checkSelection, planDeletion, stepWave, type PlanWave } from '../../lambda/core/deletion-plan';
import type { ClassifiedGroup } from '../../lambda/core/model';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

const ref = (from: string, to: string, egress = false) => ({
  ruleId: `sgr-${from}-${to}`,
  isEgress: egress,
  ipProtocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  referencedGroup: { groupId: to },
});

const withRefs = (id: string, targets: string[], overrides: Partial<ClassifiedGroup> = {}) =>
  candidate(id, 'us-east-1', { ingress: targets.map((t) => ref(id, t)), egress: [], ...overrides });

describe('checkSelection', () => {
  it('accepts a subset of the candidates and lists the rest as kept', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-a'), candidate('sg-b')])]);

    // Act
    const check = checkSelection(report, ['sg-a', 'sg-a']);

    // Assess
    expect(check).toMatchObject({ ok: true });
    if (check.ok) {
      expect(check.selected.map((g) => g.groupId)).toEqual(['sg-a']);
      expect(check.kept.map((g) => g.groupId)).toEqual(['sg-b']);
    }
  });

  it('rejects a protected group and an unknown id', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-a'), candidate('sg-p', 'us-east-1', { verdict: 'protected' })])]);

    // Act
    const check = checkSelection(report, ['sg-a', 'sg-p', 'sg-zzz']);

    // Assess
    expect(check).toEqual({ ok: false, problem: 'not-candidates', invalid: ['sg-p', 'sg-zzz'] });
  });

  it('rejects an id that matches a candidate only after changing its case or spacing', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-a')])]);

    // Act
    const check = checkSelection(report, ['SG-A', ' sg-a', 'sg-a\u0000']);

    // Assess
    expect(check).toEqual({ ok: false, problem: 'not-candidates', invalid: ['SG-A', ' sg-a', 'sg-a\u0000'] });
  });
});

describe('planDeletion', () => {
  it('skips a group that the re-audit finds in use, with its new verdict as the reason', () => {
    // Prepare
    const a = candidate('sg-a');
    const fresh = regionReport('us-east-1', [{ ...a, verdict: 'in-use', reasons: ['used by EC2 instance i-1'] }]);

    // Act
    const plan = planDeletion([a], [], [fresh]);

    // Assess
    expect(plan.outcomes).toEqual([expect.objectContaining({ groupId: 'sg-a', outcome: 'skipped', reason: 'now in-use: used by EC2 instance i-1' })]);
    expect(plan.regions[0]?.waves).toEqual([]);
  });

  it('deletes a referencing group before the group it references', () => {
    // Prepare
    const a = withRefs('sg-a', ['sg-b']);
    const b = withRefs('sg-b', []);

    // Act
    const plan = planDeletion([a, b], [], [regionReport('us-east-1', [a, b])]);

    // Assess
    expect(plan.regions[0]?.waves.map((w) => w.groups.map((g) => g.groupId))).toEqual([['sg-a'], ['sg-b']]);
    expect(plan.regions[0]?.waves.flatMap((w) => w.revocations)).toEqual([]);
  });

  it('plans a reference cycle as its own last wave, revoking only the rules that form it', () => {
    // Prepare
    const a = withRefs('sg-a', ['sg-b']);
    const b = withRefs('sg-b', ['sg-a', 'sg-b']);

    // Act
    const plan = planDeletion([a, b], [], [regionReport('us-east-1', [a, b])]);

    // Assess
    const waves = plan.regions[0]?.waves ?? [];
    expect(waves.map((w) => w.revocations.map((r) => [r.groupId, [...r.ingress, ...r.egress].map((x) => x.ruleId)]))).toEqual([
      [
        ['sg-a', ['sgr-sg-a-sg-b']],
        ['sg-b', ['sgr-sg-b-sg-a']],
      ],
    ]);
    expect(waves.map((w) => w.groups.map((g) => g.groupId).sort())).toEqual([['sg-a', 'sg-b']]);
  });

  it('keeps a selected group referenced by a candidate the reviewer unticked', () => {
    // Prepare
    const a = withRefs('sg-a', []);
    const k = withRefs('sg-k', ['sg-a']);

    // Act
    const plan = planDeletion([a], [k], [regionReport('us-east-1', [a, k])]);

    // Assess
    expect(plan.outcomes).toEqual([
      expect.objectContaining({ groupId: 'sg-k', outcome: 'kept-by-reviewer' }),
      expect.objectContaining({ groupId: 'sg-a', outcome: 'skipped', reason: expect.stringContaining('referenced by rules of sg-k') }),
    ]);
  });

  it('counts a group missing from the re-audit as already deleted', () => {
    // Prepare
    const a = candidate('sg-a');

    // Act
    const plan = planDeletion([a], [], [regionReport('us-east-1', [])]);

    // Assess
    expect(plan.outcomes[0]).toMatchObject({ groupId: 'sg-a', outcome: 'already-deleted', reason: expect.stringContaining('already deleted') });
  });

  it('deletes nothing in a region whose re-audit failed', () => {
    // Prepare
    const a = candidate('sg-a');
    const failed = regionReport('us-east-1', [], { status: 'failed', error: { code: 'AccessDenied', message: 'no' } });

    // Act
    const plan = planDeletion([a], [], [failed]);

    // Assess
    expect(plan.outcomes[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('AccessDenied') });
    expect(plan.regions).toEqual([]);
  });
});

describe('stepWave', () => {
  it('revokes nothing in a cycle whose outside referrer is still there, and skips the whole cycle', () => {
    // Prepare
    const e = withRefs('sg-e', ['sg-a']);
    const a = withRefs('sg-a', ['sg-b']);
    const b = withRefs('sg-b', ['sg-a']);
    const plan = planDeletion([e, a, b], [], [regionReport('us-east-1', [e, a, b])]).regions[0];
    const cycle = plan?.waves[1];

    // Act
    const step = stepWave(cycle as PlanWave, plan?.referrers ?? {}, new Set(), new Set(['sg-e']));

    // Assess
    expect(step.revocations).toEqual([]);
    expect(step.ready).toEqual([]);
    expect(step.skipped.map((s) => [s.groupId, s.outcome])).toEqual(
      expect.arrayContaining([
        ['sg-a', 'skipped'],
        ['sg-b', 'skipped'],
      ]),
    );
  });

  it("revokes a cycle's rules once its outside referrer is gone", () => {
    // Prepare
    const e = withRefs('sg-e', ['sg-a']);
    const a = withRefs('sg-a', ['sg-b']);
    const b = withRefs('sg-b', ['sg-a']);
    const plan = planDeletion([e, a, b], [], [regionReport('us-east-1', [e, a, b])]).regions[0];

    // Act
    const step = stepWave(plan?.waves[1] as PlanWave, plan?.referrers ?? {}, new Set(['sg-e']), new Set(['sg-e']));

    // Assess
    expect(step.revocations.map((r) => r.groupId).sort()).toEqual(['sg-a', 'sg-b']);
    expect(step.ready.map((g) => g.groupId).sort()).toEqual(['sg-a', 'sg-b']);
  });
});
