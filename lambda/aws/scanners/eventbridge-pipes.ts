import { DescribePipeCommand, paginateListPipes, PipesClient, type DescribePipeResponse } from '@aws-sdk/client-pipes';
import type { Scanner } from './types';
import { isNamed } from '../errors';

/**
 * EventBridge Pipes: an ECS task target's awsvpc groups and a self-managed Kafka source's VPC
 * groups. The listing carries neither, so each pipe is described (no bulk form).
 */
export const eventbridgePipesScanner: Scanner = {
  source: 'eventbridge-pipes',
  service: 'pipes',
  covers: ['AWS::Pipes::Pipe'],
  actions: ['pipes:ListPipes', 'pipes:DescribePipe'],
  async scan(clients, _region, ctx) {
    const pipes = clients.get(PipesClient);
    for await (const page of paginateListPipes({ client: pipes, pageSize: 100 }, {})) {
      for (const summary of page.Pipes ?? []) {
        if (!summary.Name) continue;
        const pipe = await describePipe(pipes, summary.Name);
        if (!pipe) continue;
        const base = {
          resourceType: 'EventBridge pipe',
          resourceId: pipe.Arn ?? summary.Arn ?? summary.Name,
          resourceName: pipe.Name ?? summary.Name,
        };
        const state = `state ${pipe.CurrentState ?? 'unknown'}`;
        ctx.found(pipe.TargetParameters?.EcsTaskParameters?.NetworkConfiguration?.awsvpcConfiguration?.SecurityGroups, {
          ...base,
          detail: `ECS task target ${pipe.Target ?? '?'}, ${state}`,
        });
        ctx.found(pipe.SourceParameters?.SelfManagedKafkaParameters?.Vpc?.SecurityGroup, {
          ...base,
          detail: `self-managed Kafka source, ${state}`,
        });
      }
    }
  },
};

/** Describes one pipe; undefined only when it was deleted between ListPipes and now. */
async function describePipe(pipes: PipesClient, name: string): Promise<DescribePipeResponse | undefined> {
  try {
    return await pipes.send(new DescribePipeCommand({ Name: name }));
  } catch (error) {
    if (isNamed(error, 'NotFoundException')) return undefined;
    throw error;
  }
}
