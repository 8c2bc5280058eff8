import type { GroupOutcome, RegionPlan, RevocationRecord } from './deletion-plan';

/**
 * Progress of a region's deletion, checkpointed by each batch so a retried or timed-out batch
 * resumes without repeating work. Each batch invocation writes its own checkpoint object
 * (never overwriting another's); a region's progress is all of them merged.
 */

export interface BatchCheckpoint {
  region: string;
  /** Unique per batch invocation. */
  batchId: string;
  startedAt: string;
  updatedAt: string;
  /** Outcomes this batch decided. */
  outcomes: GroupOutcome[];
  /** Revocations this batch made or started (`uncertain` until the answer is recorded). */
  revocations: RevocationRecord[];
  /** Groups whose DeleteSecurityGroup may be in flight: written before the calls start. */
  inFlight: string[];
}

export interface RegionProgress {
  outcomes: Map<string, GroupOutcome>;
  revocations: Map<string, RevocationRecord>;
  /** Groups a stopped batch may have deleted without recording it. */
  uncertain: Set<string>;
}

/** Merges a region's checkpoints (in any order): a recorded outcome or revocation answer wins. */
export function mergeCheckpoints(checkpoints: readonly BatchCheckpoint[]): RegionProgress {
  const sorted = [...checkpoints].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.batchId.localeCompare(b.batchId));
  const outcomes = new Map<string, GroupOutcome>();
  const revocations = new Map<string, RevocationRecord>();
  const inFlight = new Set<string>();
  for (const cp of sorted) {
    for (const o of cp.outcomes) outcomes.set(o.groupId, o);
    for (const r of cp.revocations) {
      const before = revocations.get(r.groupId);
      if (!before || before.status === 'uncertain' || r.status !== 'uncertain') revocations.set(r.groupId, r);
    }
    for (const id of cp.inFlight) inFlight.add(id);
  }
  const uncertain = new Set([...inFlight].filter((id) => !outcomes.has(id)));
  return { outcomes, revocations, uncertain };
}

export interface RegionSummary {
  region: string;
  planned: number;
  deleted: number;
  /** Gone before the deletion reached them. */
  alreadyDeleted: number;
  skipped: number;
  failed: number;
  done: boolean;
  batches: number;
  updatedAt: string;
}

/** Small per-region counts for the progress page (one object, rewritten by each checkpoint). */
export function summarize(plan: RegionPlan, progress: RegionProgress, done: boolean, batches: number, now: Date): RegionSummary {
  const summary: RegionSummary = { region: plan.region, planned: 0, deleted: 0, alreadyDeleted: 0, skipped: 0, failed: 0, done, batches, updatedAt: now.toISOString() };
  for (const wave of plan.waves) summary.planned += wave.groups.length;
  for (const o of progress.outcomes.values()) {
    if (o.region !== plan.region) continue;
    if (o.outcome === 'deleted') summary.deleted += 1;
    else if (o.outcome === 'already-deleted') summary.alreadyDeleted += 1;
    else if (o.outcome === 'skipped') summary.skipped += 1;
    else if (o.outcome === 'failed') summary.failed += 1;
  }
  return summary;
}
