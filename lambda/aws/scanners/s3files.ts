import { GetMountTargetCommand, paginateListMountTargets, S3FilesClient, type GetMountTargetResponse } from '@aws-sdk/client-s3files';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the Amazon S3 Files API model (botocore) and the installed SDK:
// - ListMountTargets: "resource information for all mount targets with optional filtering by file
//   system, access point, and VPC"; maxResults 1–100, nextToken. Its items carry no groups.
// - GetMountTarget(mountTargetId) -> securityGroups[], networkInterfaceId, status (one call per
//   mount target: no bulk form; at most one mount target per file system and Availability Zone).
// - IAM: s3files:ListMountTargets, s3files:GetMountTarget.
// A mount target's interface carries the same groups (network-interfaces reads it too); this
// source names the file system and keeps the evidence while the interface is being replaced.
const PAGE_SIZE = 100;

/** Amazon S3 Files mount targets. */
export const s3filesScanner: Scanner = {
  source: 's3files',
  service: 's3files',
  covers: ['AWS::S3Files::MountTarget'],
  actions: ['s3files:ListMountTargets', 's3files:GetMountTarget'],
  async scan(clients, _region, ctx) {
    const s3files = clients.get(S3FilesClient);
    for await (const page of paginateListMountTargets({ client: s3files, pageSize: PAGE_SIZE }, {})) {
      for (const summary of page.mountTargets ?? []) {
        if (!summary.mountTargetId || summary.status === 'deleted') continue;
        const target = await getMountTarget(s3files, summary.mountTargetId);
        if (!target) continue;
        ctx.found(target.securityGroups, {
          resourceType: 'S3 Files mount target',
          resourceId: summary.mountTargetId,
          detail: [`file system ${target.fileSystemId ?? summary.fileSystemId ?? '?'}`, `status ${target.status ?? summary.status ?? 'unknown'}`].join(', '),
        });
      }
    }
  },
};

/** Reads one mount target; undefined only when it was deleted between the listing and now. */
async function getMountTarget(s3files: S3FilesClient, mountTargetId: string): Promise<GetMountTargetResponse | undefined> {
  try {
    return await s3files.send(new GetMountTargetCommand({ mountTargetId }));
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
