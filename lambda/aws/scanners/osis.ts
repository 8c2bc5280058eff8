import { GetPipelineCommand, OSISClient, paginateListPipelines } from '@aws-sdk/client-osis';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// Amazon OpenSearch Ingestion API reference and botocore 1.43.11's model:
// - ListPipelines: MaxResults 1–100, NextToken; Pipelines[].{PipelineName, PipelineArn, Status} (no VPC options).
// - GetPipeline(PipelineName): Pipeline.VpcEndpoints[].VpcOptions.SecurityGroupIds. A stopped
//   pipeline keeps them and uses them again when started.
// - IAM: osis:ListPipelines, osis:GetPipeline.

/** OpenSearch Ingestion pipelines with VPC access. */
export const osisScanner: Scanner = {
  source: 'osis',
  service: 'osis',
  covers: ['AWS::OSIS::Pipeline'],
  actions: ['osis:ListPipelines', 'osis:GetPipeline'],
  async scan(clients, _region, ctx) {
    const osis = clients.get(OSISClient);
    for await (const page of paginateListPipelines({ client: osis, pageSize: 100 }, {})) {
      for (const summary of page.Pipelines ?? []) {
        const PipelineName = summary.PipelineName;
        if (!PipelineName) continue;
        const pipeline = (await unlessGone(() => osis.send(new GetPipelineCommand({ PipelineName }))))?.Pipeline;
        if (!pipeline) continue;
        ctx.found(groupRefsIn(pipeline.VpcEndpoints), {
          resourceType: 'OpenSearch Ingestion pipeline',
          resourceId: pipeline.PipelineArn ?? summary.PipelineArn ?? PipelineName,
          resourceName: PipelineName,
          detail: `status ${pipeline.Status ?? summary.Status ?? 'unknown'}`,
        });
      }
    }
  },
};
