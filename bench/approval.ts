import {
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { runRegionBatch } from '../lambda/aws/deleter';
import { planDeletion } from '../lambda/core/deletion-plan';
import { mergeCheckpoints, type BatchCheckpoint } from '../lambda/core/deletion-progress';
import { counterStyle, renderReviewPage } from '../lambda/core/render-page';
import { BATCH_BUDGET_MS } from '../lambda/workflows/deletion/deps';
import { auditReport, candidate, regionReport } from '../test/helpers/audit-report';

/**
 * The approval at scale, modelled: the review page and its post for 10,000 candidates in one
 * region, and the deletion of 10,000 groups through checkpointed batches against EC2's mutating
 * bucket (burst 50, refill 5 per second per region; SOURCES.md "EC2 throttling") on a virtual
 * clock, with the batch's own rate limiter and 10-minute budget as deployed.
 */

/** Function URL limits: 6 MB invocation payload each way (Lambda quotas). */
export const FUNCTION_URL_LIMIT_BYTES = 6 * 1024 * 1024;

function realisticCandidates(n: number, region: string) {
  return Array.from({ length: n }, (_, i) => {
    const id = `sg-0a${i.toString(16).padStart(15, '0')}`;
    return candidate(id, region, {
      groupName: `eks-prod-cluster-nodegroup-${i}-ClusterSharedNodeSecurityGroup-${i.toString(36).toUpperCase()}`,
      description: `Managed by Terraform: legacy service ${i} (migrated to new VPC)`,
      vpcId: `vpc-0${(i % 7).toString(16).padStart(16, 'a')}`,
    });
  });
}

export interface PageMeasurement {
  candidates: number;
  pageBytes: number;
  /** The form post when the reviewer keeps nothing, and when they keep every candidate. */
  postBytesKeepNone: number;
  postBytesKeepAll: number;
}

export function measurePage(candidates = 10_000, region = 'us-east-1'): PageMeasurement {
  const report = auditReport([regionReport(region, realisticCandidates(candidates, region))]);
  const token = 'x'.repeat(420);
  const html = renderReviewPage({ report, token, expiresAt: new Date('2026-12-08T02:00:00Z') });
  const ids = report.regions[0]?.groups.map((g) => g.groupId) ?? [];
  const post = (keep: readonly string[]) => {
    const form = new URLSearchParams([['t', token], ...keep.map((id): [string, string] => ['keep', id]), ['confirm', String(candidates - keep.length)], ['note', '']]);
    // The function URL hands a form body to Lambda base64-encoded inside the event JSON.
    return Math.ceil((Buffer.byteLength(form.toString()) * 4) / 3);
  };
  return { candidates, pageBytes: Buffer.byteLength(html) + Buffer.byteLength(counterStyle(candidates)), postBytesKeepNone: post([]), postBytesKeepAll: post(ids) };
}

export interface DeletionMeasurement {
  groups: number;
  callsPerSecond: number;
  batches: number;
  virtualMinutes: number;
  deleted: number;
  throttled: number;
  checkpointWrites: number;
  maxCheckpointBytes: number;
  deletesSentTwice: number;
}

/** EC2's mutating bucket for one region, on the virtual clock. */
function tokenBucket(clock: () => number, burst = 50, refillPerSecond = 5) {
  let tokens = burst;
  let last = 0;
  return () => {
    const now = clock();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * refillPerSecond);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export async function measureDeletion(groups = 10_000, callsPerSecond = 4): Promise<DeletionMeasurement> {
  const region = 'us-east-1';
  const selected = realisticCandidates(groups, region);
  const plan = planDeletion(selected, [], [regionReport(region, selected)]).regions[0];
  if (!plan) throw new Error('no plan');
  let now = 0;
  const clock = () => now;
  const take = tokenBucket(clock);
  let throttled = 0;
  const sent = new Map<string, number>();
  const ec2 = mockClient(EC2Client);
  const mutate = (input: { GroupId?: string }) => {
    if (!take()) {
      throttled += 1;
      // The SDK retries RequestLimitExceeded with backoff: model it as a wait and a retry.
      now += 500;
      return mutate(input);
    }
    return {};
  };
  ec2.on(DeleteSecurityGroupCommand).callsFake((input: { GroupId: string }) => {
    sent.set(input.GroupId, (sent.get(input.GroupId) ?? 0) + 1);
    return mutate(input);
  });
  // Each batch first re-checks its groups (deleter.ts inUseNow): all still exist, none in use.
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input: { Filters?: Array<{ Name?: string; Values?: string[] }> }) => {
    const filter = input.Filters?.[0];
    return { SecurityGroups: filter?.Name === 'group-id' ? (filter.Values ?? []).map((GroupId) => ({ GroupId })) : [] };
  });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(mutate);
  ec2.on(RevokeSecurityGroupEgressCommand).callsFake(mutate);
  const checkpoints: BatchCheckpoint[] = [];
  let writes = 0;
  let maxBytes = 0;
  let batches = 0;
  try {
    for (;;) {
      batches += 1;
      const result = await runRegionBatch(
        plan,
        mergeCheckpoints(checkpoints),
        new EC2Client({ region }),
        {
          save: async (cp) => {
            writes += 1;
            maxBytes = Math.max(maxBytes, Buffer.byteLength(JSON.stringify(cp)));
          },
        },
        { batchId: `b${batches}`, concurrency: 1, callsPerSecond, budgetMs: BATCH_BUDGET_MS, clock, sleep: async (ms) => void (now += ms) },
      );
      checkpoints.push(result.checkpoint);
      if (result.done) break;
      if (batches > 1000) throw new Error('no progress');
    }
  } finally {
    ec2.restore();
  }
  const progress = mergeCheckpoints(checkpoints);
  return {
    groups,
    callsPerSecond,
    batches,
    virtualMinutes: now / 60_000,
    deleted: [...progress.outcomes.values()].filter((o) => o.outcome === 'deleted').length,
    throttled,
    checkpointWrites: writes,
    maxCheckpointBytes: maxBytes,
    deletesSentTwice: [...sent.values()].filter((n) => n > 1).length,
  };
}
