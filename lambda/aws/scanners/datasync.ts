import {
  DataSyncClient,
  DescribeAgentCommand,
  DescribeLocationEfsCommand,
  DescribeLocationFsxLustreCommand,
  DescribeLocationFsxOntapCommand,
  DescribeLocationFsxOpenZfsCommand,
  DescribeLocationFsxWindowsCommand,
  paginateListAgents,
  paginateListLocations,
} from '@aws-sdk/client-datasync';
import { groupRefsIn } from './group-fields';
import type { Scanner } from './types';

// AWS DataSync API reference and botocore 1.43.11's model:
// - ListAgents: MaxResults 0–100, NextToken; Agents[].{AgentArn, Name, Status}. DescribeAgent(AgentArn):
//   PrivateLinkConfig.SecurityGroupArns (an agent that talks to DataSync through a VPC endpoint).
// - ListLocations: MaxResults 0–100, NextToken; Locations[].{LocationArn, LocationUri}, LocationUri
//   = TYPE://GLOBAL_ID/SUBDIR. Groups are held (as ARNs) only by EFS locations
//   (DescribeLocationEfs: Ec2Config.SecurityGroupArns) and FSx ones (DescribeLocationFsx{Lustre,
//   Ontap,OpenZfs,Windows}: SecurityGroupArns). None of the lists carries them: one Describe each.
// - InvalidRequestException is DataSync's only client error (a resource deleted after the listing
//   gets it too, but so does everything else), so every error fails the scan.
// - IAM: datasync:ListAgents, datasync:DescribeAgent, datasync:ListLocations, datasync:DescribeLocation*.

/** FSx location URI schemes (fsxw, fsxl, fsxz, fsxn) and the Describe that reads each. */
const FSX_DESCRIBES = {
  fsxw: (ds: DataSyncClient, LocationArn: string) => ds.send(new DescribeLocationFsxWindowsCommand({ LocationArn })),
  fsxl: (ds: DataSyncClient, LocationArn: string) => ds.send(new DescribeLocationFsxLustreCommand({ LocationArn })),
  fsxz: (ds: DataSyncClient, LocationArn: string) => ds.send(new DescribeLocationFsxOpenZfsCommand({ LocationArn })),
  fsxn: (ds: DataSyncClient, LocationArn: string) => ds.send(new DescribeLocationFsxOntapCommand({ LocationArn })),
} as const;

/** An FSx location of a kind this scanner does not know how to read: its groups are unknown. */
export class UnreadableDataSyncLocationError extends Error {
  override readonly name = 'UnreadableDataSyncLocationError';
  constructor(readonly locationUri: string) {
    super(`DataSync location ${locationUri} is an FSx location of a kind the datasync scanner does not read`);
  }
}

/** DataSync agents (VPC endpoint mode) and EFS/FSx locations, whose groups are written as ARNs. */
export const datasyncScanner: Scanner = {
  source: 'datasync',
  service: 'datasync',
  covers: [
    'AWS::DataSync::Agent',
    'AWS::DataSync::LocationEFS',
    'AWS::DataSync::LocationFSxLustre',
    'AWS::DataSync::LocationFSxONTAP',
    'AWS::DataSync::LocationFSxOpenZFS',
    'AWS::DataSync::LocationFSxWindows',
  ],
  actions: [
    'datasync:ListAgents',
    'datasync:DescribeAgent',
    'datasync:ListLocations',
    'datasync:DescribeLocationEfs',
    'datasync:DescribeLocationFsxLustre',
    'datasync:DescribeLocationFsxOntap',
    'datasync:DescribeLocationFsxOpenZfs',
    'datasync:DescribeLocationFsxWindows',
  ],
  async scan(clients, _region, ctx) {
    const ds = clients.get(DataSyncClient);
    for await (const page of paginateListAgents({ client: ds, pageSize: 100 }, {})) {
      for (const summary of page.Agents ?? []) {
        const AgentArn = summary.AgentArn;
        if (!AgentArn) continue;
        const agent = await ds.send(new DescribeAgentCommand({ AgentArn }));
        const name = agent.Name ?? summary.Name;
        ctx.found(groupRefsIn(agent.PrivateLinkConfig), {
          resourceType: 'DataSync agent',
          resourceId: AgentArn,
          ...(name ? { resourceName: name } : {}),
          detail: `status ${agent.Status ?? summary.Status ?? 'unknown'}, ${agent.EndpointType ?? 'unknown'} endpoint`,
        });
      }
    }

    for await (const page of paginateListLocations({ client: ds, pageSize: 100 }, {})) {
      for (const location of page.Locations ?? []) {
        const arn = location.LocationArn;
        const uri = location.LocationUri ?? '';
        if (!arn) continue;
        const scheme = uri.slice(0, Math.max(0, uri.indexOf('://'))).toLowerCase();
        let described: unknown;
        if (scheme === 'efs') described = await ds.send(new DescribeLocationEfsCommand({ LocationArn: arn }));
        else if (scheme in FSX_DESCRIBES) described = await FSX_DESCRIBES[scheme as keyof typeof FSX_DESCRIBES](ds, arn);
        else if (scheme.startsWith('fsx')) throw new UnreadableDataSyncLocationError(uri);
        else continue; // S3, NFS, SMB, HDFS, object storage, Azure Blob: no group.
        ctx.found(groupRefsIn(described), {
          resourceType: `DataSync ${scheme === 'efs' ? 'EFS' : 'FSx'} location`,
          resourceId: arn,
          resourceName: uri,
        });
      }
    }
  },
};
