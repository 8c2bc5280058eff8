import { DescribeTaskDefinitionCommand, ECSClient, paginateListTaskDefinitions } from '@aws-sdk/client-ecs';
import { mapPaced } from '../../core/concurrency';
import type { Scanner } from './types';

// Confirmed in the ECS API reference: ListTaskDefinitions (status ACTIVE, maxResults 1-100,
// nextToken) lists the ARNs of every active revision; only DescribeTaskDefinition returns a
// revision's containerDefinitions (environment[], command, entryPoint, dockerLabels, ...), one
// revision per call (ECS has no bulk describe for task definitions); include TAGS adds its tags.
const PAGE_SIZE = 100;
/**
 * DescribeTaskDefinition calls: at most 4 in flight and 10 started a second (start to start
 * 100 ms). ECS lets an account burst 50 reads and sustain about 20 a second
 * (bench/latency-model.ts); the source stays at half of that, so it never throttles itself or
 * the account's own deployments, and its time no longer grows with the region's round trip:
 * one call at a time took 120 revisions x ~275 ms = 33 s in a region 215 ms away.
 */
const CONCURRENCY = 4;
const MIN_INTERVAL_MS = 100;

/**
 * ECS task definitions: environment variables, commands and labels of every active revision (a
 * task that creates resources of its own, or is told which group to use). The free-text sweep
 * (response-sweep.ts) reports each group named there with the revision's ARN and the path. One
 * call per active revision: the cost grows with revisions, never with groups. `minIntervalMs`
 * is the pacing (the mocked bench, whose SDK answers at once and models no rate, passes 0).
 */
export function ecsTaskDefinitionsScannerPaced(minIntervalMs: number): Scanner {
  return {
    source: 'ecs-task-definitions',
    service: 'ecs',
    covers: ['place:ecs-task-definitions'],
    actions: ['ecs:ListTaskDefinitions', 'ecs:DescribeTaskDefinition'],
    startsFirst: true,
    async scan(clients) {
      const ecs = clients.get(ECSClient);
      const arns: string[] = [];
      for await (const page of paginateListTaskDefinitions({ client: ecs, pageSize: PAGE_SIZE }, { status: 'ACTIVE' })) {
        arns.push(...(page.taskDefinitionArns ?? []));
      }
      // A revision deregistered since the listing is still described (INACTIVE): no error to allow for.
      await mapPaced(arns, CONCURRENCY, minIntervalMs, (arn) => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })));
    },
  };
}

export const ecsTaskDefinitionsScanner: Scanner = ecsTaskDefinitionsScannerPaced(MIN_INTERVAL_MS);
