import { GetNetworkSettingsCommand, ListNetworkSettingsCommand, WorkSpacesWebClient } from '@aws-sdk/client-workspaces-web';
import { mockClient } from 'aws-sdk-client-mock';
import { workspacesWebScanner } from '../../../lambda/aws/scanners/workspaces-web';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const web = mockClient(WorkSpacesWebClient);
const ARN = 'arn:aws:workspaces-web:us-east-1:123456789012:networkSettings/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

beforeEach(() => web.reset());

describe('workspaces-web scanner', () => {
  it('marks a group used only by network settings as in use, naming them', async () => {
    // Prepare
    web.on(ListNetworkSettingsCommand).resolves({ networkSettings: [{ networkSettingsArn: ARN, vpcId: 'vpc-1' }] });
    web.on(GetNetworkSettingsCommand, { networkSettingsArn: ARN }).resolves({
      networkSettings: { networkSettingsArn: ARN, vpcId: 'vpc-1', subnetIds: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-used'], associatedPortalArns: ['arn:portal'] },
    });

    // Act
    const result = await scanAndClassify(workspacesWebScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'workspaces-web',
      resourceType: 'WorkSpaces Secure Browser network settings',
      resourceId: ARN,
      detail: 'VPC vpc-1, 1 portal',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken to the last page', async () => {
    web
      .on(ListNetworkSettingsCommand)
      .resolvesOnce({ networkSettings: [], nextToken: 'page-2' })
      .resolvesOnce({ networkSettings: [{ networkSettingsArn: ARN }] });
    web.on(GetNetworkSettingsCommand).resolves({ networkSettings: { networkSettingsArn: ARN, securityGroupIds: ['sg-late'] } });

    const result = await scanAndClassify(workspacesWebScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(web).toHaveReceivedNthCommandWith(2, ListNetworkSettingsCommand, { nextToken: 'page-2' });
  });

  it('skips settings deleted between the listing and their description', async () => {
    web.on(ListNetworkSettingsCommand).resolves({ networkSettings: [{ networkSettingsArn: ARN }] });
    web.on(GetNetworkSettingsCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(workspacesWebScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    web.on(ListNetworkSettingsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(workspacesWebScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['workspaces-web']);
  });
});
