import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { RegionClients } from './client-factory';
import { toScanError } from './errors';

/** IAM action the keep step calls (the stack limits it to the two keep tag keys). */
export const KEEP_ACTIONS = ['ec2:CreateTags'] as const;

/** CreateTags takes many resources per call; a failed chunk is retried one group at a time. */
const CHUNK = 200;

export interface KeepTagOutcome {
  tagged: string[];
  failed: Array<{ groupId: string; code: string; message: string }>;
}

/**
 * Writes the keep tags (see core/keep.ts keepTags) on the kept groups of one region. A chunk
 * that fails (one group deleted meanwhile fails the whole call) is retried group by group, so
 * every group's outcome is known and one bad id does not leave the others untagged.
 */
export async function tagKeptGroups(clients: RegionClients, groupIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<KeepTagOutcome> {
  const ec2 = clients.get(EC2Client);
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const outcome: KeepTagOutcome = { tagged: [], failed: [] };
  for (let i = 0; i < groupIds.length; i += CHUNK) {
    const chunk = groupIds.slice(i, i + CHUNK);
    try {
      await ec2.send(new CreateTagsCommand({ Resources: [...chunk], Tags }));
      outcome.tagged.push(...chunk);
      continue;
    } catch (error) {
      if (chunk.length === 1) {
        outcome.failed.push({ groupId: chunk[0] as string, ...toScanError(error) });
        continue;
      }
    }
    for (const groupId of chunk) {
      try {
        await ec2.send(new CreateTagsCommand({ Resources: [groupId], Tags }));
        outcome.tagged.push(groupId);
      } catch (error) {
        outcome.failed.push({ groupId, ...toScanError(error) });
      }
    }
  }
  return outcome;
}
