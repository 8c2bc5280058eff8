import { DirectoryServiceClient, paginateDescribeDirectories, type DirectoryDescription } from '@aws-sdk/client-directory-service';
import type { Evidence, Scanner } from './types';

function describeDirectory(directory: DirectoryDescription, role: string): Evidence {
  return {
    resourceType: 'Directory Service directory',
    resourceId: directory.DirectoryId ?? 'd-?',
    ...(directory.Name ? { resourceName: directory.Name } : {}),
    detail: [directory.Type, `stage ${directory.Stage ?? 'unknown'}`, role].filter(Boolean).join(', '),
  };
}

/**
 * Directory Service directories: Simple AD / Managed AD domain controllers, AD Connectors, and
 * directories shared from another account (whose owner's VPC settings are reported here).
 */
export const directoryServiceScanner: Scanner = {
  source: 'directory-service',
  service: 'ds',
  covers: ['place:directory-service-directories'],
  actions: ['ds:DescribeDirectories'],
  async scan(clients, _region, ctx) {
    const ds = clients.get(DirectoryServiceClient);
    // Limit has no model maximum; the model documents 0 as "the maximum ... of the operation".
    for await (const page of paginateDescribeDirectories({ client: ds, pageSize: 0 }, {})) {
      for (const directory of page.DirectoryDescriptions ?? []) {
        ctx.found([directory.VpcSettings?.SecurityGroupId], describeDirectory(directory, 'domain controllers'));
        ctx.found([directory.ConnectSettings?.SecurityGroupId], describeDirectory(directory, 'AD Connector'));
        ctx.found(
          [directory.OwnerDirectoryDescription?.VpcSettings?.SecurityGroupId],
          describeDirectory(directory, `shared by account ${directory.OwnerDirectoryDescription?.AccountId ?? '?'}`),
        );
      }
    }
  },
};
