import { EC2Client, paginateDescribeSecurityGroupVpcAssociations } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

/**
 * Security group VPC associations: DeleteSecurityGroup fails while a group is associated with
 * another VPC, so an association is usage. Only `disassociated` ones are over; a pending or
 * failed association or disassociation may still hold the group.
 */
export const vpcAssociationsScanner: Scanner = {
  source: 'vpc-associations',
  service: 'ec2',
  covers: ['place:security-group-vpc-associations'],
  actions: ['ec2:DescribeSecurityGroupVpcAssociations'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeSecurityGroupVpcAssociations({ client: ec2, pageSize: 1000 }, {})) {
      for (const association of page.SecurityGroupVpcAssociations ?? []) {
        if (association.State === 'disassociated') continue;
        const owner = association.VpcOwnerId ? `VPC owner ${association.VpcOwnerId}` : undefined;
        ctx.found([association.GroupId], {
          resourceType: 'VPC association',
          resourceId: association.VpcId ?? 'vpc-?',
          detail: [`state ${association.State ?? 'unknown'}`, owner].filter(Boolean).join(', '),
        });
      }
    }
  },
};
