import { paginateGetResources, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { readEveryPage } from '../response-sweep';
import type { Scanner } from './types';

// Confirmed in the Resource Groups Tagging API reference and the SDK's model: GetResources with no
// filter lists every tagged (or once tagged) resource of the region with all its tags,
// ResourceTagMappingList[] { ResourceARN, Tags[] { Key, Value } }, ResourcesPerPage 1-100,
// PaginationToken. One bulk listing for every service that supports tagging.
const PAGE_SIZE = 100;

/**
 * Tags of every other resource of the region (`app:security-group=sg-...` on a function, a bucket,
 * a stack): the free-text sweep (response-sweep.ts) reports a group named in a tag key or value,
 * with the resource's ARN and the tag's path. A group's own tags never count for itself. The
 * listing grows with tagged resources (groups included), one call per 100: with listing pages
 * only, never with a call per resource.
 */
export const resourceTagsScanner: Scanner = {
  source: 'resource-tags',
  service: 'resourcegroupstaggingapi',
  covers: ['place:resource-tags'],
  actions: ['tag:GetResources'],
  startsFirst: true,
  async scan(clients) {
    const tagging = clients.get(ResourceGroupsTaggingAPIClient);
    await readEveryPage(paginateGetResources({ client: tagging, pageSize: PAGE_SIZE }, {}));
  },
};
