import { synthesizeDefinitions } from '../../infra/local-asl';
import { DELETION_STATES } from '../../lambda/core/deletion-contract';
import { DELETION_DEFINITION } from '../../lambda/workflows/deletion/local';
import { taskStateNames } from '../../lambda/workflows/local-runner';
import { ORG_AUDIT_DEFINITION } from '../../lambda/workflows/org-audit/local';
import { ORG_STATES } from '../../lambda/workflows/org-audit/states';

// One synth for the file (organization mode has both machines): CDK synth is the slow part.
const definitions = synthesizeDefinitions();
const synthesized = definitions.deletion as { States: Record<string, unknown> };

type State = { Type: string; Retry?: Array<{ ErrorEquals: string[] }>; Catch?: Array<{ ErrorEquals: string[]; Next: string }>; ItemProcessor?: { States: Record<string, State> }; MaxConcurrency?: number };
const states = synthesized.States as Record<string, State>;
const inner = (states[DELETION_STATES.regions]?.ItemProcessor?.States ?? {}) as Record<string, State>;

describe('deletion state machine definition', () => {
  it('is the committed file serve and the tests run (regenerate it with npm run asl)', () => {
    expect(DELETION_DEFINITION).toEqual(synthesized);
  });

  it('binds every task state to a task of the workflow', () => {
    expect(taskStateNames(synthesized).sort()).toEqual(Object.values(DELETION_STATES).filter((s) => s !== DELETION_STATES.regions).sort());
  });

  it('retries throttled Lambda invocations on every task', () => {
    for (const name of taskStateNames(synthesized)) {
      const state = states[name] ?? inner[name];
      expect(state?.Retry?.flatMap((r) => r.ErrorEquals)).toContain('Lambda.TooManyRequestsException');
    }
  });

  it('sends every failure of the top-level steps to the abort task', () => {
    for (const name of [DELETION_STATES.started, DELETION_STATES.regions, DELETION_STATES.finish]) {
      expect(states[name]?.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: DELETION_STATES.abort })]);
    }
  });

  it('tags the kept groups after the started trail and deletes even when tagging fails', () => {
    // Prepare
    const keep = states[DELETION_STATES.keep] as State & { Next?: string };
    const skipped = states[keep.Catch?.[0]?.Next ?? ''] as State & { Next?: string };

    // Assess
    expect((states[DELETION_STATES.started] as { Next?: string }).Next).toBe('ApprovalAuthenticated');
    expect((states.ApprovalAuthenticated as { Default?: string }).Default).toBe(DELETION_STATES.keep);
    expect(keep.Next).toBe(DELETION_STATES.regions);
    expect(keep.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'KeepNotTagged' })]);
    expect(skipped).toMatchObject({ Type: 'Pass', Next: DELETION_STATES.regions });
  });

  it('stops, before any other task, when the started task refuses the approval', () => {
    // Prepare
    const choice = states.ApprovalAuthenticated as State & { Choices?: Array<Record<string, unknown>> };

    // Assess
    expect(choice.Choices).toEqual([{ Variable: '$.started.refused', BooleanEquals: true, Next: 'DeletionRefused' }]);
    expect(states.DeletionRefused).toMatchObject({ Type: 'Fail', Error: 'ApprovalRefused' });
  });

  it('retries a batch that timed out, so it resumes from its checkpoints', () => {
    expect(inner[DELETION_STATES.batch]?.Retry?.flatMap((r) => r.ErrorEquals)).toEqual(expect.arrayContaining(['States.Timeout', 'Sandbox.Timedout']));
  });

  it('aborts only the region when its pre-delete backup cannot be written', () => {
    expect(inner[DELETION_STATES.backup]?.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['BackupWriteFailed'], Next: 'RegionAborted' })]);
  });

  it('deletes a bounded number of regions at once', () => {
    expect(states[DELETION_STATES.regions]?.MaxConcurrency).toBe(4);
  });
});

describe('organization audit state machine definition', () => {
  it('is the committed file the org workflow test and the demo run (regenerate it with npm run asl)', () => {
    expect(ORG_AUDIT_DEFINITION).toEqual(definitions.orgAudit);
  });

  it('binds every task state to a task of the org audit', () => {
    const tasks = [ORG_STATES.plan, ORG_STATES.auditItems, ORG_STATES.assembleAccount, ORG_STATES.summarize, ORG_STATES.reportFailure];
    expect(taskStateNames(definitions.orgAudit as { States: Record<string, unknown> }).sort()).toEqual([...tasks].sort());
  });
});
