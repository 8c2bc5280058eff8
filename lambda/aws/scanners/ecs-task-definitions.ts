import { DescribeTaskDefinitionCommand, ECSClient, paginateListTaskDefinitions } from '@aws-sdk/client-ecs';
import { mapLimit } from '../../core/concurrency';
import type { Scanner } from './types';

// Confirmed in the ECS API reference: ListTaskDefinitions (status ACTIVE, maxResults 1-100,
// nextToken) lists the ARNs of every active revision; only DescribeTaskDefinition returns a
// revision's containerDefinitions (environment[], command, entryPoint, dockerLabels, ...), one
// revision per call (ECS has no bulk describe for task definitions); include TAGS adds its tags.
const PAGE_SIZE = 100;
/**
 * DescribeTaskDefinition calls in flight: one. ECS lets an account burst 50 reads and sustain about
 * 20 a second (bench/latency-model.ts); one call at a time (~60 ms each) stays under that, so the
 * source never throttles itself or the region's other ECS scans, at ~16 revisions a second.
 */
const CONCURRENCY = 1;

/**
 * ECS task definitions: environment variables, commands and labels of every active revision (a
 * task that creates resources of its own, or is told which group to use). The free-text sweep
 * (response-sweep.ts) reports each group named there with the revision's ARN and the path. One
 * call per active revision: the cost grows with revisions, never with groups.
 */
export const ecsTaskDefinitionsScanner: Scanner = {
  source: 'ecs-task-definitions',
  service: 'ecs',
  covers: ['place:ecs-task-definitions'],
  actions: ['ecs:ListTaskDefinitions', 'ecs:DescribeTaskDefinition'],
  async scan(clients) {
    const ecs = clients.get(ECSClient);
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: ecs, pageSize: PAGE_SIZE }, { status: 'ACTIVE' })) {
      arns.push(...(page.taskDefinitionArns ?? []));
    }
    // A revision deregistered since the listing is still described (INACTIVE): no error to allow for.
    await mapLimit(arns, CONCURRENCY, (arn) => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })));
  },
};
