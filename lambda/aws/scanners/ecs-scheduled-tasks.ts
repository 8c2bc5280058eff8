import { EventBridgeClient, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, SchedulerClient, paginateListSchedules } from '@aws-sdk/client-scheduler';
import { describePlaces, groupIdSweep, placesByGroup, type GroupIdSweep } from '../../core/group-id-sweep';
import type { Evidence, ScanContext, Scanner } from './types';
import { isNamed } from '../errors';

// EventBridge Limit: model 1-100. SDK v3 has no EventBridge paginators: NextToken is looped by hand.
const LIMIT = 100;

const ECS_CLUSTER_ARN = /^arn:[\w-]+:ecs:[^:]*:[^:]*:cluster\//;

// Inputs beyond ECS, confirmed in the EventBridge and Scheduler API references: a rule target's
// Input (JSON text), InputPath, InputTransformer {InputPathsMap, InputTemplate} and its other
// parameters (SageMaker pipeline values, HTTP parameters, Batch, Run Command...) come with
// ListTargetsByRule; a schedule's Target (Input, and universal targets such as
// `arn:aws:scheduler:::aws-sdk:ec2:runInstances` whose Input is the SDK request) only with
// GetSchedule, since ListSchedules summaries carry the target ARN alone. Both are swept whole as
// free-form text: any id of a group of the region in them is usage. One listing, one sweep: the
// same calls serve the ECS targets and every other input (no second listing in another source).

/** Records every inventory group a target names anywhere, with the JSON path of each place. */
function sweepTarget(sweep: GroupIdSweep, target: object, evidence: Evidence, ctx: ScanContext): void {
  for (const [groupId, places] of placesByGroup(sweep.inJson(target))) {
    ctx.found([groupId], { ...evidence, detail: [evidence.detail, describePlaces(places)].filter(Boolean).join(', ') });
  }
}


function clusterName(arn: string | undefined): string | undefined {
  return arn && ECS_CLUSTER_ARN.test(arn) ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
}

/** Every page of a NextToken listing, for the EventBridge operations that have no SDK paginator. */
async function* pages<T extends { NextToken?: string | undefined }>(fetch: (token: string | undefined) => Promise<T>): AsyncGenerator<T> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield page;
    token = page.NextToken;
  } while (token);
}

async function scanRuleTargets(events: EventBridgeClient, busName: string, rule: Rule, sweep: GroupIdSweep, ctx: ScanContext): Promise<void> {
  const name = rule.Name ?? '';
  const rulePart = { resourceType: 'EventBridge rule', resourceId: rule.Arn ?? name, resourceName: name };
  try {
    for await (const page of pages((NextToken) => events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: busName, Limit: LIMIT, NextToken })))) {
      for (const target of page.Targets ?? []) {
        const ecs = target.EcsParameters;
        if (ecs) {
          ctx.found(ecs.NetworkConfiguration?.awsvpcConfiguration?.SecurityGroups, {
            ...rulePart,
            // A disabled rule still holds the group: enabling it again must not break.
            detail: [
              `bus ${busName}`,
              `state ${rule.State ?? 'unknown'}`,
              `ECS target ${target.Id ?? '?'}`,
              ecs.TaskDefinitionArn ? `task ${ecs.TaskDefinitionArn}` : undefined,
              clusterName(target.Arn) ? `cluster ${clusterName(target.Arn)}` : undefined,
            ]
              .filter(Boolean)
              .join(', '),
          });
        }
        sweepTarget(sweep, target, { ...rulePart, detail: `bus ${busName}, state ${rule.State ?? 'unknown'}, target ${target.Id ?? '?'} (${target.Arn ?? '?'})` }, ctx);
      }
    }
  } catch (error) {
    // Only a rule deleted between ListRules and here is skipped: it references nothing any more.
    if (isNamed(error, 'ResourceNotFoundException')) return;
    throw error;
  }
}

async function scanEventBridge(events: EventBridgeClient, sweep: GroupIdSweep, ctx: ScanContext): Promise<void> {
  for await (const busPage of pages((NextToken) => events.send(new ListEventBusesCommand({ Limit: LIMIT, NextToken })))) {
    for (const bus of busPage.EventBuses ?? []) {
      const busName = bus.Name ?? 'default';
      try {
        for await (const rulePage of pages((NextToken) => events.send(new ListRulesCommand({ EventBusName: busName, Limit: LIMIT, NextToken })))) {
          // No bulk form: targets are listed per rule.
          for (const rule of rulePage.Rules ?? []) await scanRuleTargets(events, busName, rule, sweep, ctx);
        }
      } catch (error) {
        // Only a bus deleted between ListEventBuses and here is skipped.
        if (isNamed(error, 'ResourceNotFoundException')) continue;
        throw error;
      }
    }
  }
}

async function scanSchedules(scheduler: SchedulerClient, sweep: GroupIdSweep, ctx: ScanContext): Promise<void> {
  // No GroupName: every schedule group. The summaries carry only the target ARN, not its input,
  // so every schedule is read (no bulk form).
  for await (const page of paginateListSchedules({ client: scheduler, pageSize: 100 }, {})) {
    for (const summary of page.Schedules ?? []) {
      let schedule;
      try {
        schedule = await scheduler.send(new GetScheduleCommand({ Name: summary.Name, GroupName: summary.GroupName }));
      } catch (error) {
        // Only a schedule deleted between ListSchedules and here is skipped.
        if (isNamed(error, 'ResourceNotFoundException')) continue;
        throw error;
      }
      const target = schedule.Target;
      const ecs = target?.EcsParameters;
      const name = `${schedule.GroupName ?? summary.GroupName ?? 'default'}/${schedule.Name ?? summary.Name ?? '?'}`;
      const evidence = { resourceType: 'EventBridge Scheduler schedule', resourceId: schedule.Arn ?? summary.Arn ?? name, resourceName: name };
      const state = `state ${schedule.State ?? summary.State ?? 'unknown'}`;
      ctx.found(ecs?.NetworkConfiguration?.awsvpcConfiguration?.SecurityGroups, {
        ...evidence,
        detail: [
          state,
          ecs?.TaskDefinitionArn ? `task ${ecs.TaskDefinitionArn}` : undefined,
          clusterName(target?.Arn) ? `cluster ${clusterName(target?.Arn)}` : target?.Arn ? `target ${target.Arn}` : undefined,
        ]
          .filter(Boolean)
          .join(', '),
      });
      // Universal targets (`aws-sdk:ecs:runTask`, `aws-sdk:ec2:runInstances`...) and any other input.
      if (target) sweepTarget(sweep, target, { ...evidence, detail: `${state}, target ${target.Arn ?? '?'}` }, ctx);
    }
  }
}

/**
 * ECS tasks started on a schedule: EventBridge rules with ECS targets (every event bus, enabled
 * or not) and EventBridge Scheduler schedules targeting ECS. Those tasks have no ENI between
 * runs, so this configuration is the only evidence. The same listings also serve every other
 * target's input (Lambda payloads, universal SDK targets, input transformers...): any id of a
 * group of the region found there is usage too. The source id stays `ecs-scheduled-tasks`
 * (a public contract) although it now covers every rule and schedule input.
 */
export const ecsScheduledTasksScanner: Scanner = {
  source: 'ecs-scheduled-tasks',
  service: 'events',
  covers: ['AWS::Events::Rule', 'AWS::Scheduler::Schedule'],
  actions: ['events:ListEventBuses', 'events:ListRules', 'events:ListTargetsByRule', 'scheduler:ListSchedules', 'scheduler:GetSchedule'],
  async scan(clients, _region, ctx) {
    const sweep = groupIdSweep(ctx.groups.map((g) => g.groupId));
    await scanEventBridge(clients.get(EventBridgeClient), sweep, ctx);
    await scanSchedules(clients.get(SchedulerClient), sweep, ctx);
  },
};
