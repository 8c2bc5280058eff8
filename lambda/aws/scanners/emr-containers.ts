import { EMRContainersClient, paginateListManagedEndpoints, paginateListVirtualClusters, type EndpointState, type VirtualClusterState } from '@aws-sdk/client-emr-containers';
import type { Scanner } from './types';

// Amazon EMR on EKS API reference and botocore 1.43.11's model:
// - ListVirtualClusters(states): maxResults has no range in the model, so it is left to the
//   service's default page; nextToken. VirtualClusterState: RUNNING | TERMINATING | TERMINATED | ARRESTED.
// - ListManagedEndpoints(virtualClusterId, states): the same paging; endpoints[].securityGroup
//   (one id per managed endpoint, e.g. an EMR Studio interactive endpoint). EndpointState: CREATING |
//   ACTIVE | TERMINATING | TERMINATED | TERMINATED_WITH_ERRORS. No API lists endpoints across
//   virtual clusters, so one listing per virtual cluster (grows with clusters, never with groups).
// - IAM: emr-containers:ListVirtualClusters, emr-containers:ListManagedEndpoints.

/** Virtual clusters that can still hold endpoints (a terminated one is gone for good). */
const LIVE_CLUSTERS: VirtualClusterState[] = ['RUNNING', 'TERMINATING', 'ARRESTED'];
const LIVE_ENDPOINTS: EndpointState[] = ['CREATING', 'ACTIVE', 'TERMINATING'];

/** EMR on EKS managed endpoints: their group is named in configuration, the pods run in EKS. */
export const emrContainersScanner: Scanner = {
  source: 'emr-containers',
  service: 'emr-containers',
  covers: ['place:emr-containers-managed-endpoints'],
  actions: ['emr-containers:ListVirtualClusters', 'emr-containers:ListManagedEndpoints'],
  async scan(clients, _region, ctx) {
    const emr = clients.get(EMRContainersClient);
    for await (const clusterPage of paginateListVirtualClusters({ client: emr }, { states: LIVE_CLUSTERS })) {
      for (const cluster of clusterPage.virtualClusters ?? []) {
        const virtualClusterId = cluster.id;
        if (!virtualClusterId) continue;
        for await (const page of paginateListManagedEndpoints({ client: emr }, { virtualClusterId, states: LIVE_ENDPOINTS })) {
          for (const endpoint of page.endpoints ?? []) {
            ctx.found([endpoint.securityGroup], {
              resourceType: 'EMR on EKS managed endpoint',
              resourceId: endpoint.arn ?? endpoint.id ?? 'endpoint-?',
              ...(endpoint.name ? { resourceName: endpoint.name } : {}),
              detail: `virtual cluster ${cluster.name ?? virtualClusterId}, state ${endpoint.state ?? 'unknown'}`,
            });
          }
        }
      }
    }
  },
};
