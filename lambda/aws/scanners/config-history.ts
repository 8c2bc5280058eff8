import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  GetResourceConfigHistoryCommand,
  paginateListDiscoveredResources,
  type ConfigurationRecorder,
  type ResourceIdentifier,
} from '@aws-sdk/client-config-service';
import { groupIdOfRef } from '../../core/group-ref';
import type { RegionClients } from '../client-factory';
import type { Evidence, ScanContext } from './types';

/*
 * AWS Config history as further evidence for recent-activity. Only where a recorder is on and
 * records AWS::EC2::NetworkInterface: the interfaces deleted within the window
 * (ListDiscoveredResources with includeDeletedResources, 100 a page, one listing for the region)
 * no longer exist for network-interfaces to see, so their history (GetResourceConfigHistory,
 * one page of up to 100 items per deleted interface, never per group) says which groups they
 * carried: a Lambda, a task or a job that ran with the group and is gone.
 * A recorder that records only AWS::EC2::SecurityGroup offers history per group only: not read
 * (a call per group), and the note says so. No recorder: the note "Config not recording".
 */

export const CONFIG_ACTIONS = [
  'config:DescribeConfigurationRecorders',
  'config:DescribeConfigurationRecorderStatus',
  'config:ListDiscoveredResources',
  'config:GetResourceConfigHistory',
] as const;

/** Deleted interfaces whose history is read per region and audit run (the rest are named in the note). */
export const DEFAULT_HISTORY_BUDGET = 200;

const ENI = 'AWS::EC2::NetworkInterface';
const SG = 'AWS::EC2::SecurityGroup';

export interface ConfigHistoryOptions {
  /** Deleted interfaces whose history is read (default DEFAULT_HISTORY_BUDGET). */
  historyBudget?: number;
}

export interface ConfigHit {
  groupId: string;
  time: string;
  evidence: Evidence;
}

/** Whether the recorder records the resource type (all supported, an inclusion list, or an exclusion list without it). */
export function records(recorder: ConfigurationRecorder, type: string): boolean {
  const group = recorder.recordingGroup;
  if (!group) return true; // the documented default: every supported type
  const strategy = group.recordingStrategy?.useOnly;
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') return !(group.exclusionByResourceTypes?.resourceTypes ?? []).includes(type as never);
  if (strategy === 'INCLUSION_BY_RESOURCE_TYPES') return (group.resourceTypes ?? []).includes(type as never);
  if (group.allSupported) return true;
  return (group.resourceTypes ?? []).includes(type as never);
}

function groupsInConfiguration(configuration: string | undefined, out: Set<string>): void {
  if (!configuration) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(configuration);
  } catch {
    return;
  }
  const groups = (parsed as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return;
  for (const g of groups) {
    const id = (g as { groupId?: unknown } | null)?.groupId;
    if (typeof id === 'string' && /^sg-[0-9a-f]+$/.test(id)) out.add(id);
  }
}

export async function readConfigHistory(
  clients: RegionClients,
  _region: string,
  ctx: ScanContext,
  from: Date,
  options: ConfigHistoryOptions,
): Promise<{ note: string; hits: ConfigHit[] }> {
  const config = clients.get(ConfigServiceClient);
  const recorders = (await config.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
  const status = (await config.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? [];
  const recording = recorders.filter((r) => status.some((s) => s.name === r.name && s.recording === true));
  if (recording.length === 0) return { note: 'Config not recording', hits: [] };
  if (!recording.some((r) => records(r, ENI))) {
    const sgOnly = recording.some((r) => records(r, SG));
    return {
      note: sgOnly
        ? 'Config records security groups but not network interfaces: its history is per group, not read'
        : 'Config not recording network interfaces or security groups',
      hits: [],
    };
  }

  const deleted: ResourceIdentifier[] = [];
  for await (const page of paginateListDiscoveredResources({ client: config, pageSize: 100 }, { resourceType: ENI, includeDeletedResources: true })) {
    for (const r of page.resourceIdentifiers ?? []) {
      if (r.resourceId && r.resourceDeletionTime && r.resourceDeletionTime.getTime() >= from.getTime()) deleted.push(r);
    }
  }
  // Most recently deleted first: the budget reads the freshest evidence.
  deleted.sort((a, b) => (b.resourceDeletionTime?.getTime() ?? 0) - (a.resourceDeletionTime?.getTime() ?? 0));
  const budget = options.historyBudget ?? DEFAULT_HISTORY_BUDGET;
  const inInventory = new Set(ctx.groups.map((g) => g.groupId));
  const latest = new Map<string, ConfigHit>();
  for (const eni of deleted.slice(0, budget)) {
    const history = await config.send(
      new GetResourceConfigHistoryCommand({ resourceType: ENI, resourceId: eni.resourceId, earlierTime: from, laterTime: ctx.now, limit: 100 }),
    );
    for (const item of history.configurationItems ?? []) {
      const time = item.configurationItemCaptureTime;
      if (!time || time.getTime() < from.getTime()) continue;
      const ids = new Set<string>();
      for (const rel of item.relationships ?? []) {
        if (rel.resourceType === SG && rel.resourceId) ids.add(groupIdOfRef(rel.resourceId));
      }
      groupsInConfiguration(item.configuration, ids);
      for (const groupId of ids) {
        if (!inInventory.has(groupId)) continue;
        const known = latest.get(groupId);
        if (known && Date.parse(known.time) >= time.getTime()) continue;
        const summary = `Config: network interface ${eni.resourceId} had the group on ${time.toISOString().slice(0, 10)} (deleted ${eni.resourceDeletionTime?.toISOString().slice(0, 10)})`;
        latest.set(groupId, {
          groupId,
          time: time.toISOString(),
          evidence: { resourceType: 'Config history', resourceId: eni.resourceId ?? '', resourceName: 'deleted network interface', detail: summary },
        });
      }
    }
  }
  const unread = deleted.length - Math.min(deleted.length, budget);
  const note =
    `Config history of ${Math.min(deleted.length, budget)} network interfaces deleted in the window` +
    (unread > 0 ? ` (${unread} older ones not read: CloudTrail's CreateNetworkInterface events cover them)` : '');
  return { note, hits: [...latest.values()] };
}
