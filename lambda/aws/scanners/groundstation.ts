import {
  GetDataflowEndpointGroupCommand,
  GroundStationClient,
  paginateListDataflowEndpointGroups,
  type GetDataflowEndpointGroupResponse,
} from '@aws-sdk/client-groundstation';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the AWS Ground Station API reference and botocore's model:
// - ListDataflowEndpointGroups: maxResults 1–100, nextToken; items carry only the group's id and
//   ARN, so each is read with GetDataflowEndpointGroup (no bulk form).
// - GetDataflowEndpointGroup(dataflowEndpointGroupId) -> endpointsDetails[].securityDetails
//   {subnetIds, securityGroupIds, roleArn}.
// - IAM: groundstation:ListDataflowEndpointGroups, groundstation:GetDataflowEndpointGroup.
const PAGE_SIZE = 100;

/**
 * AWS Ground Station dataflow endpoint groups: their endpoints' security details name the groups
 * of the interfaces Ground Station creates for a contact, so they hold them between contacts.
 */
export const groundstationScanner: Scanner = {
  source: 'groundstation',
  service: 'groundstation',
  covers: ['AWS::GroundStation::DataflowEndpointGroup'],
  actions: ['groundstation:ListDataflowEndpointGroups', 'groundstation:GetDataflowEndpointGroup'],
  async scan(clients, _region, ctx) {
    const groundstation = clients.get(GroundStationClient);
    for await (const page of paginateListDataflowEndpointGroups({ client: groundstation, pageSize: PAGE_SIZE }, {})) {
      for (const item of page.dataflowEndpointGroupList ?? []) {
        if (!item.dataflowEndpointGroupId) continue;
        const endpointGroup = await getEndpointGroup(groundstation, item.dataflowEndpointGroupId);
        if (!endpointGroup) continue;
        for (const details of endpointGroup.endpointsDetails ?? []) {
          const name = details.endpoint?.name ?? details.awsGroundStationAgentEndpoint?.name;
          ctx.found(details.securityDetails?.securityGroupIds, {
            resourceType: 'Ground Station dataflow endpoint group',
            resourceId: endpointGroup.dataflowEndpointGroupArn ?? item.dataflowEndpointGroupArn ?? item.dataflowEndpointGroupId,
            resourceName: item.dataflowEndpointGroupId,
            detail: name ? `endpoint ${name}` : undefined,
          });
        }
      }
    }
  },
};

/** Reads one group; undefined only when it was deleted between the listing and now. */
async function getEndpointGroup(groundstation: GroundStationClient, dataflowEndpointGroupId: string): Promise<GetDataflowEndpointGroupResponse | undefined> {
  try {
    return await groundstation.send(new GetDataflowEndpointGroupCommand({ dataflowEndpointGroupId }));
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
