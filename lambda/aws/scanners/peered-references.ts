import {
  DescribeSecurityGroupReferencesCommand,
  EC2Client,
  paginateDescribeTransitGatewayVpcAttachments,
  paginateDescribeVpcPeeringConnections,
} from '@aws-sdk/client-ec2';
import type { Scanner } from './types';
import { chunks } from '../../core/concurrency';

// The API takes a list and is not paginated; the model sets no limit, 200 is Cloud Custodian's
// proven chunk size.
const CHUNK = 200;

// Every state but the terminal ones: a peering or attachment being modified or deleted may still
// carry the rules that reference a group, and asking about one VPC too many costs only a call.
const LIVE_PEERING_STATES = ['initiating-request', 'pending-acceptance', 'provisioning', 'active', 'deleting'];
const LIVE_ATTACHMENT_STATES = [
  'initiating',
  'initiatingRequest',
  'pendingAcceptance',
  'pending',
  'available',
  'modifying',
  'rollingBack',
  'rejecting',
  'deleting',
  'failing',
];

/** The VPCs of the region that another VPC can reach: live peerings and transit gateway attachments. */
async function reachableVpcs(ec2: EC2Client): Promise<Set<string>> {
  const vpcs = new Set<string>();
  const add = (vpcId: string | undefined): void => {
    if (vpcId) vpcs.add(vpcId);
  };
  const peerings = paginateDescribeVpcPeeringConnections(
    { client: ec2, pageSize: 1000 },
    { Filters: [{ Name: 'status-code', Values: LIVE_PEERING_STATES }] },
  );
  for await (const page of peerings) {
    for (const peering of page.VpcPeeringConnections ?? []) {
      add(peering.RequesterVpcInfo?.VpcId);
      add(peering.AccepterVpcInfo?.VpcId);
    }
  }
  const attachments = paginateDescribeTransitGatewayVpcAttachments(
    { client: ec2, pageSize: 1000 },
    { Filters: [{ Name: 'state', Values: LIVE_ATTACHMENT_STATES }] },
  );
  for await (const page of attachments) {
    for (const attachment of page.TransitGatewayVpcAttachments ?? []) {
      // Referencing across a transit gateway needs the option on; unset counts as possible.
      if (attachment.Options?.SecurityGroupReferencingSupport === 'disable') continue;
      add(attachment.VpcId);
    }
  }
  return vpcs;
}

/**
 * Rules in peered VPCs (or VPCs behind a transit gateway, possibly in other accounts) that
 * reference a group: invisible to sg-rule-references, and they block deletion. Runs after a
 * first classification and asks only about the remaining candidates in VPCs reachable from outside.
 */
export const peeredReferencesScanner: Scanner = {
  source: 'peered-references',
  service: 'ec2',
  covers: ['place:peered-vpc-references'],
  actions: [
    'ec2:DescribeSecurityGroupReferences',
    'ec2:DescribeTransitGatewayVpcAttachments',
    'ec2:DescribeVpcPeeringConnections',
  ],
  afterClassify: true,
  async scan(clients, _region, ctx) {
    if (ctx.candidates.size === 0) return;
    const ec2 = clients.get(EC2Client);
    const vpcs = await reachableVpcs(ec2);
    const ids = ctx.groups
      .filter((g) => ctx.candidates.has(g.groupId) && g.vpcId !== undefined && vpcs.has(g.vpcId))
      .map((g) => g.groupId);
    for (const chunk of chunks(ids, CHUNK)) {
      const out = await ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: chunk }));
      for (const ref of out.SecurityGroupReferenceSet ?? []) {
        const via = ref.VpcPeeringConnectionId
          ? `peering connection ${ref.VpcPeeringConnectionId}`
          : ref.TransitGatewayId
            ? `transit gateway ${ref.TransitGatewayId}`
            : undefined;
        ctx.found([ref.GroupId], {
          resourceType: 'peered VPC',
          resourceId: ref.ReferencingVpcId ?? 'vpc-?',
          detail: via ? `a rule in this VPC references the group, via ${via}` : 'a rule in this VPC references the group',
        });
      }
    }
  },
};
