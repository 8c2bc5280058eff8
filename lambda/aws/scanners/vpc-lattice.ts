import {
  GetServiceNetworkVpcAssociationCommand,
  paginateListResourceGateways,
  paginateListServiceNetworks,
  paginateListServiceNetworkVpcAssociations,
  VPCLatticeClient,
  type ServiceNetworkVpcAssociationSummary,
} from '@aws-sdk/client-vpc-lattice';
import type { ScanContext, Scanner } from './types';
import { isNamed } from '../errors';

/**
 * VPC Lattice: resource gateways (groups in the listing) and service network VPC associations.
 * An association's groups are only in GetServiceNetworkVpcAssociation, and listing associations
 * needs a VPC or a service network: they are listed per service network (few per account, and
 * independent of how many VPCs or groups there are), and each association is read.
 */
export const vpcLatticeScanner: Scanner = {
  source: 'vpc-lattice',
  service: 'vpc-lattice',
  covers: ['AWS::VpcLattice::ResourceGateway', 'AWS::VpcLattice::ServiceNetworkVpcAssociation'],
  actions: [
    'vpc-lattice:ListResourceGateways',
    'vpc-lattice:ListServiceNetworks',
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
    for await (const page of paginateListServiceNetworks({ client: lattice, pageSize: 100 }, {})) {
      for (const network of page.items ?? []) {
        const id = network.id ?? network.arn;
        if (!id) continue;
        for (const association of await associationsOf(lattice, id)) {
          await reportAssociation(lattice, association, ctx);
        }
      }
    }
  },
};

/** The service network's VPC associations; none when the network was deleted since it was listed. */
async function associationsOf(lattice: VPCLatticeClient, networkId: string): Promise<ServiceNetworkVpcAssociationSummary[]> {
  const found: ServiceNetworkVpcAssociationSummary[] = [];
  try {
    const pages = paginateListServiceNetworkVpcAssociations({ client: lattice, pageSize: 100 }, { serviceNetworkIdentifier: networkId });
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
  return isNamed(error, 'ResourceNotFoundException');
}
