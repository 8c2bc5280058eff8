import {
  GetServiceNetworkVpcAssociationCommand,
  paginateListResourceGateways,
  paginateListServiceNetworkVpcAssociations,
  VPCLatticeClient,
  type ServiceNetworkVpcAssociationSummary,
} from '@aws-sdk/client-vpc-lattice';
import type { ScanContext, Scanner } from './types';

/**
 * VPC Lattice: resource gateways (groups in the listing) and service network VPC associations.
 * An association's groups are only in GetServiceNetworkVpcAssociation, and listing associations
 * needs a VPC or a service network, so they are listed per VPC of the inventory (a VPC has at
 * most one association) and each one is read.
 */
export const vpcLatticeScanner: Scanner = {
  source: 'vpc-lattice',
  service: 'vpc-lattice',
  actions: [
    'vpc-lattice:ListResourceGateways',
    'vpc-lattice:ListServiceNetworkVpcAssociations',
    'vpc-lattice:GetServiceNetworkVpcAssociation',
  ],
  async scan(clients, _region, ctx) {
    const lattice = clients.get(VPCLatticeClient);
    for await (const page of paginateListResourceGateways({ client: lattice, pageSize: 100 }, {})) {
      for (const gateway of page.items ?? []) {
        ctx.found(gateway.securityGroupIds, {
          resourceType: 'VPC Lattice resource gateway',
          resourceId: gateway.arn ?? gateway.id ?? 'rgw-?',
          resourceName: gateway.name,
          detail: `status ${gateway.status ?? 'unknown'}, VPC ${gateway.vpcIdentifier ?? '?'}`,
        });
      }
    }
    const vpcIds = [...new Set(ctx.groups.map((g) => g.vpcId).filter((id): id is string => Boolean(id)))].sort();
    for (const vpcId of vpcIds) {
      for (const association of await associationsOf(lattice, vpcId)) {
        await reportAssociation(lattice, association, ctx);
      }
    }
  },
};

/** The VPC's associations; none when the VPC was deleted since the inventory was read. */
async function associationsOf(lattice: VPCLatticeClient, vpcId: string): Promise<ServiceNetworkVpcAssociationSummary[]> {
  const found: ServiceNetworkVpcAssociationSummary[] = [];
  try {
    const pages = paginateListServiceNetworkVpcAssociations({ client: lattice, pageSize: 100 }, { vpcIdentifier: vpcId });
    for await (const page of pages) found.push(...(page.items ?? []));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return found;
}

async function reportAssociation(
  lattice: VPCLatticeClient,
  summary: ServiceNetworkVpcAssociationSummary,
  ctx: ScanContext,
): Promise<void> {
  if (!summary.id) return;
  try {
    const association = await lattice.send(
      new GetServiceNetworkVpcAssociationCommand({ serviceNetworkVpcAssociationIdentifier: summary.id }),
    );
    ctx.found(association.securityGroupIds, {
      resourceType: 'VPC Lattice service network VPC association',
      resourceId: association.arn ?? summary.arn ?? summary.id,
      resourceName: association.serviceNetworkName ?? summary.serviceNetworkName,
      detail: `status ${association.status ?? 'unknown'}, VPC ${association.vpcId ?? summary.vpcId ?? '?'}`,
    });
  } catch (error) {
    // Only an association removed between the listing and this read is skipped.
    if (!isNotFound(error)) throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}
