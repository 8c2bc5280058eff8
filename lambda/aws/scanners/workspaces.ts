import { paginateDescribeWorkspaceDirectories, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import type { Scanner } from './types';

/**
 * WorkSpaces directories: the group WorkSpaces created for the directory, and the custom group
 * that new WorkSpaces get by default.
 */
export const workspacesScanner: Scanner = {
  source: 'workspaces',
  service: 'workspaces',
  covers: ['place:workspaces-directories'],
  actions: ['workspaces:DescribeWorkspaceDirectories'],
  async scan(clients, _region, ctx) {
    const workspaces = clients.get(WorkSpacesClient);
    // This paginator has no page-size key, so the maximum Limit (25) goes in the input.
    for await (const page of paginateDescribeWorkspaceDirectories({ client: workspaces }, { Limit: 25 })) {
      for (const directory of page.Directories ?? []) {
        const base = {
          resourceType: 'WorkSpaces directory',
          resourceId: directory.DirectoryId ?? 'directory-?',
          resourceName: directory.DirectoryName ?? directory.WorkspaceDirectoryName ?? directory.Alias,
        };
        const state = `state ${directory.State ?? 'unknown'}`;
        ctx.found([directory.WorkspaceSecurityGroupId], { ...base, detail: `${state}, WorkSpaces security group` });
        ctx.found([directory.WorkspaceCreationProperties?.CustomSecurityGroupId], {
          ...base,
          detail: `${state}, default custom security group for new WorkSpaces`,
        });
      }
    }
  },
};
