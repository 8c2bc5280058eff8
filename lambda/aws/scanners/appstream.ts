import {
  AppStreamClient,
  DescribeFleetsCommand,
  DescribeImageBuildersCommand,
  paginateDescribeAppBlockBuilders,
  type VpcConfig,
} from '@aws-sdk/client-appstream';
import type { ScanContext, Scanner } from './types';

// Confirmed in the AppStream 2.0 API reference and botocore 1.43.11's model:
// - DescribeFleets without Names: every fleet (always-on, on-demand and elastic); NextToken only,
//   no page size. SDK v3 has no paginator.
// - DescribeImageBuilders without Names: every image builder; MaxResults (no range modelled) and
//   NextToken; no SDK v3 paginator. 25 is the documented maximum of its sibling listings.
// - DescribeAppBlockBuilders without Names: MaxResults (documented maximum 25), NextToken.
// - Fleet / ImageBuilder / AppBlockBuilder .VpcConfig.SecurityGroupIds[] (at most 5), .State.
// - IAM: appstream:DescribeFleets, appstream:DescribeImageBuilders, appstream:DescribeAppBlockBuilders.
const PAGE_SIZE = 25;

interface Described {
  Name?: string | undefined;
  Arn?: string | undefined;
  State?: string | undefined;
  VpcConfig?: VpcConfig | undefined;
}

function record(ctx: ScanContext, resourceType: string, item: Described, extra?: string): void {
  ctx.found(item.VpcConfig?.SecurityGroupIds, {
    resourceType,
    resourceId: item.Arn ?? item.Name ?? 'unknown',
    resourceName: item.Name,
    // A stopped fleet or builder has no network interface, yet starting it again needs the group.
    detail: [item.State ? `state ${item.State}` : undefined, extra].filter(Boolean).join(', '),
  });
}

/**
 * Amazon AppStream 2.0 (WorkSpaces Applications) fleets, image builders and app block builders:
 * each holds the groups of its streaming instances in VpcConfig, also while stopped.
 */
export const appstreamScanner: Scanner = {
  source: 'appstream',
  service: 'appstream',
  covers: ['AWS::AppStream::Fleet', 'AWS::AppStream::ImageBuilder', 'AWS::AppStream::AppBlockBuilder'],
  actions: ['appstream:DescribeFleets', 'appstream:DescribeImageBuilders', 'appstream:DescribeAppBlockBuilders'],
  async scan(clients, _region, ctx) {
    const appstream = clients.get(AppStreamClient);

    let fleetToken: string | undefined;
    do {
      const page = await appstream.send(new DescribeFleetsCommand({ NextToken: fleetToken }));
      for (const fleet of page.Fleets ?? []) record(ctx, 'AppStream fleet', fleet, fleet.FleetType ? `type ${fleet.FleetType}` : undefined);
      fleetToken = page.NextToken;
    } while (fleetToken);

    let builderToken: string | undefined;
    do {
      const page = await appstream.send(new DescribeImageBuildersCommand({ MaxResults: PAGE_SIZE, NextToken: builderToken }));
      for (const builder of page.ImageBuilders ?? []) record(ctx, 'AppStream image builder', builder);
      builderToken = page.NextToken;
    } while (builderToken);

    for await (const page of paginateDescribeAppBlockBuilders({ client: appstream, pageSize: PAGE_SIZE }, {})) {
      for (const builder of page.AppBlockBuilders ?? []) record(ctx, 'AppStream app block builder', builder);
    }
  },
};
