import { AppStreamClient, DescribeAppBlockBuildersCommand, DescribeFleetsCommand, DescribeImageBuildersCommand } from '@aws-sdk/client-appstream';
import { mockClient } from 'aws-sdk-client-mock';
import { appstreamScanner } from '../../../lambda/aws/scanners/appstream';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const appstream = mockClient(AppStreamClient);

const FLEET_ARN = 'arn:aws:appstream:us-east-1:123456789012:fleet/design-tools';

beforeEach(() => {
  appstream.reset();
  appstream.on(DescribeFleetsCommand).resolves({ Fleets: [] });
  appstream.on(DescribeImageBuildersCommand).resolves({ ImageBuilders: [] });
  appstream.on(DescribeAppBlockBuildersCommand).resolves({ AppBlockBuilders: [] });
});

describe('appstream scanner', () => {
  it('marks a group used only by a stopped fleet as in use, naming the fleet and its state', async () => {
    // Prepare
    appstream.on(DescribeFleetsCommand).resolves({
      Fleets: [{ Name: 'design-tools', Arn: FLEET_ARN, State: 'STOPPED', FleetType: 'ON_DEMAND', InstanceType: 'stream.standard.medium', ComputeCapacityStatus: { Desired: 0 }, CreatedTime: new Date(), VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-used'] } }],
    });

    // Act
    const result = await scanAndClassify(appstreamScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'appstream', resourceType: 'AppStream fleet', resourceId: FLEET_ARN, resourceName: 'design-tools', detail: 'state STOPPED, type ON_DEMAND' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks groups used only by an image builder or an app block builder as in use', async () => {
    // Prepare
    appstream.on(DescribeImageBuildersCommand).resolves({ ImageBuilders: [{ Name: 'ib', Arn: 'arn:ib', State: 'STOPPED', VpcConfig: { SecurityGroupIds: ['sg-ib'] } }] });
    appstream.on(DescribeAppBlockBuildersCommand).resolves({ AppBlockBuilders: [{ Name: 'abb', Arn: 'arn:abb', State: 'STOPPED', Platform: 'WINDOWS_SERVER_2019', InstanceType: 'stream.standard.small', VpcConfig: { SecurityGroupIds: ['sg-abb'] } }] });

    // Act
    const result = await scanAndClassify(appstreamScanner, [group('sg-ib'), group('sg-abb')]);

    // Assess
    expect(result.verdictOf('sg-ib').usages[0]).toMatchObject({ resourceType: 'AppStream image builder', resourceName: 'ib' });
    expect(result.verdictOf('sg-abb').usages[0]).toMatchObject({ resourceType: 'AppStream app block builder', resourceName: 'abb' });
  });

  it('follows NextToken through fleets and builders, 25 builders per page', async () => {
    // Prepare
    appstream.on(DescribeFleetsCommand).resolvesOnce({ Fleets: [], NextToken: 'fleets-2' }).resolvesOnce({ Fleets: [] });
    appstream.on(DescribeImageBuildersCommand).resolvesOnce({ ImageBuilders: [], NextToken: 'ib-2' }).resolvesOnce({ ImageBuilders: [{ Name: 'late', VpcConfig: { SecurityGroupIds: ['sg-late'] } }] });
    appstream.on(DescribeAppBlockBuildersCommand).resolvesOnce({ AppBlockBuilders: [], NextToken: 'abb-2' }).resolvesOnce({ AppBlockBuilders: [] });

    // Act
    const result = await scanAndClassify(appstreamScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(appstream).toHaveReceivedCommandWith(DescribeFleetsCommand, { NextToken: 'fleets-2' });
    expect(appstream).toHaveReceivedCommandWith(DescribeImageBuildersCommand, { NextToken: 'ib-2', MaxResults: 25 });
    expect(appstream).toHaveReceivedCommandWith(DescribeAppBlockBuildersCommand, { NextToken: 'abb-2', MaxResults: 25 });
  });

  it('makes otherwise-unproven groups unknown when AppStream denies access', async () => {
    // Prepare
    appstream.on(DescribeAppBlockBuildersCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(appstreamScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-free').verdict).toBe('unknown');
    expect(result.verdictOf('sg-free').failedSources).toEqual(['appstream']);
  });
});
