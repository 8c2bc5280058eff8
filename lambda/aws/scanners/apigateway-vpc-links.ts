import { ApiGatewayV2Client, GetVpcLinksCommand } from '@aws-sdk/client-apigatewayv2';
import type { Scanner } from './types';

/**
 * API Gateway VPC links (HTTP APIs). REST API (v1) VPC links point at NLBs and carry no group.
 * SDK v3 has no paginator for GetVpcLinks, so NextToken is followed by hand.
 */
export const apigatewayVpcLinksScanner: Scanner = {
  source: 'apigateway-vpc-links',
  service: 'apigatewayv2',
  // API Gateway has no per-operation IAM actions: it authorizes by HTTP verb on a resource path,
  // and GetVpcLinks is GET /v2/vpclinks. Grant it on arn:aws:apigateway:<region>::/vpclinks only:
  // apigateway:GET on "*" would also let the role read API key values.
  covers: ['AWS::ApiGatewayV2::VpcLink'],
  actions: ['apigateway:GET'],
  async scan(clients, _region, ctx) {
    const apigw = clients.get(ApiGatewayV2Client);
    let nextToken: string | undefined;
    do {
      // MaxResults is a string with no documented range; 500 is API Gateway's largest page elsewhere.
      const page = await apigw.send(new GetVpcLinksCommand({ MaxResults: '500', NextToken: nextToken }));
      for (const link of page.Items ?? []) {
        ctx.found(link.SecurityGroupIds, {
          resourceType: 'API Gateway VPC link',
          resourceId: link.VpcLinkId ?? 'vpclink-?',
          resourceName: link.Name,
          detail: `status ${link.VpcLinkStatus ?? 'unknown'}`,
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  },
};
