import {
  GetServiceNetworkVpcAssociationCommand,
  ListResourceGatewaysCommand,
  ListServiceNetworksCommand,
  ListServiceNetworkVpcAssociationsCommand,
  VPCLatticeClient,
} from '@aws-sdk/client-vpc-lattice';
import { mockClient } from 'aws-sdk-client-mock';
import { vpcLatticeScanner } from '../../../lambda/aws/scanners/vpc-lattice';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const lattice = mockClient(VPCLatticeClient);

beforeEach(() => {
  lattice.reset();
  lattice.on(ListResourceGatewaysCommand).resolves({ items: [] });
  lattice.on(ListServiceNetworksCommand).resolves({ items: [{ id: 'sn-1', name: 'payments' }] });
  lattice.on(ListServiceNetworkVpcAssociationsCommand).resolves({ items: [] });
});

const GATEWAY_ARN = 'arn:aws:vpc-lattice:us-east-1:123456789012:resourcegateway/rgw-0123456789abcdef0';
const ASSOCIATION_ARN = 'arn:aws:vpc-lattice:us-east-1:123456789012:servicenetworkvpcassociation/snva-0123456789abcdef0';

describe('vpc-lattice scanner', () => {
  it('marks a group of a resource gateway as in use, naming the gateway, and leaves another group a candidate', async () => {
    // Prepare
    lattice.on(ListResourceGatewaysCommand).resolves({
      items: [
        {
          id: 'rgw-0123456789abcdef0',
          arn: GATEWAY_ARN,
          name: 'db-gateway',
          status: 'ACTIVE',
          vpcIdentifier: 'vpc-1',
          subnetIds: ['subnet-1'],
          securityGroupIds: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'vpc-lattice',
      resourceType: 'VPC Lattice resource gateway',
      resourceId: GATEWAY_ARN,
      resourceName: 'db-gateway',
      detail: 'status ACTIVE, VPC vpc-1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group of a service network VPC association as in use, listing associations once per service network', async () => {
    lattice.on(ListServiceNetworkVpcAssociationsCommand, { serviceNetworkIdentifier: 'sn-1' }).resolves({
      items: [{ id: 'snva-0123456789abcdef0', arn: ASSOCIATION_ARN, vpcId: 'vpc-2', serviceNetworkName: 'payments', status: 'ACTIVE' }],
    });
    lattice.on(GetServiceNetworkVpcAssociationCommand, { serviceNetworkVpcAssociationIdentifier: 'snva-0123456789abcdef0' }).resolves({
      id: 'snva-0123456789abcdef0',
      arn: ASSOCIATION_ARN,
      status: 'ACTIVE',
      vpcId: 'vpc-2',
      serviceNetworkName: 'payments',
      securityGroupIds: ['sg-assoc'],
    });

    const result = await scanAndClassify(vpcLatticeScanner, [
      group('sg-a', { vpcId: 'vpc-1' }),
      group('sg-b', { vpcId: 'vpc-1' }),
      group('sg-assoc', { vpcId: 'vpc-2' }),
    ]);

    expect(result.verdictOf('sg-assoc').verdict).toBe('in-use');
    expect(result.verdictOf('sg-assoc').usages[0]).toMatchObject({
      resourceType: 'VPC Lattice service network VPC association',
      resourceId: ASSOCIATION_ARN,
      resourceName: 'payments',
    });
    expect(lattice).toHaveReceivedCommandTimes(ListServiceNetworkVpcAssociationsCommand, 1);
    expect(lattice).toHaveReceivedCommandWith(ListServiceNetworkVpcAssociationsCommand, { serviceNetworkIdentifier: 'sn-1', maxResults: 100 });
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('follows nextToken to the last page of resource gateways, asking for 100 per page', async () => {
    lattice
      .on(ListResourceGatewaysCommand)
      .resolvesOnce({ items: [], nextToken: 'page-2' })
      .resolvesOnce({ items: [{ id: 'rgw-late', securityGroupIds: ['sg-late'] }] });

    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(lattice).toHaveReceivedNthCommandWith(1, ListResourceGatewaysCommand, { maxResults: 100 });
    expect(lattice).toHaveReceivedNthCommandWith(2, ListResourceGatewaysCommand, { nextToken: 'page-2' });
  });

  it('skips an association removed between the listing and its read', async () => {
    lattice.on(ListServiceNetworkVpcAssociationsCommand).resolves({ items: [{ id: 'snva-gone', vpcId: 'vpc-1' }] });
    lattice.on(GetServiceNetworkVpcAssociationCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('skips a service network deleted between its listing and the listing of its associations', async () => {
    // Prepare
    lattice.on(ListServiceNetworksCommand).resolves({ items: [{ id: 'sn-gone' }, { id: 'sn-1' }] });
    lattice.on(ListServiceNetworkVpcAssociationsCommand, { serviceNetworkIdentifier: 'sn-gone' }).rejects(awsError('ResourceNotFoundException'));
    lattice.on(ListServiceNetworkVpcAssociationsCommand, { serviceNetworkIdentifier: 'sn-1' }).resolves({ items: [{ id: 'snva-1' }] });
    lattice.on(GetServiceNetworkVpcAssociationCommand).resolves({ id: 'snva-1', securityGroupIds: ['sg-assoc'] });

    // Act
    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-assoc'), group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-assoc').verdict).toBe('in-use');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown when listing a service network\'s associations is denied', async () => {
    lattice.on(ListServiceNetworkVpcAssociationsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    lattice.on(ListResourceGatewaysCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown when reading an association is throttled', async () => {
    lattice.on(ListServiceNetworkVpcAssociationsCommand).resolves({ items: [{ id: 'snva-1', vpcId: 'vpc-1' }] });
    lattice.on(GetServiceNetworkVpcAssociationCommand).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(vpcLatticeScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
