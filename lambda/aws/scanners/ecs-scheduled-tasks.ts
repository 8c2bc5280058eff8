import { EventBridgeClient, ListEventBusesCommand, ListRulesCommand, ListTargetsByRuleCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, SchedulerClient, paginateListSchedules } from '@aws-sdk/client-scheduler';
import type { ScanContext, Scanner } from './types';
import { isNamed } from '../errors';

// EventBridge Limit: model 1-100. SDK v3 has no EventBridge paginators: NextToken is looped by hand.
const LIMIT = 100;

const ECS_CLUSTER_ARN = /^arn:[\w-]+:ecs:[^:]*:[^:]*:cluster\//;
// Scheduler universal targets ("arn:aws:scheduler:::aws-sdk:ecs:runTask") carry the ECS request,
// groups included, as JSON text in Target.Input.
const ECS_UNIVERSAL_TARGET = /^arn:[\w-]+:scheduler:::aws-sdk:ecs:/i;
const GROUP_ID = /\bsg-[0-9a-f]{8,17}\b/g;


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

async function scanRuleTargets(events: EventBridgeClient, busName: string, rule: Rule, ctx: ScanContext): Promise<void> {
  const name = rule.Name ?? '';
  try {
    for await (const page of pages((NextToken) => events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: busName, Limit: LIMIT, NextToken })))) {
      for (const target of page.Targets ?? []) {
        const ecs = target.EcsParameters;
        if (!ecs) continue;
        ctx.found(ecs.NetworkConfiguration?.awsvpcConfiguration?.SecurityGroups, {
          resourceType: 'EventBridge rule',
          resourceId: rule.Arn ?? name,
          resourceName: name,
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
    }
  } catch (error) {
    // Only a rule deleted between ListRules and here is skipped: it references nothing any more.
    if (isNamed(error, 'ResourceNotFoundException')) return;
    throw error;
  }
}

async function scanEventBridge(events: EventBridgeClient, ctx: ScanContext): Promise<void> {
  for await (const busPage of pages((NextToken) => events.send(new ListEventBusesCommand({ Limit: LIMIT, NextToken })))) {
    for (const bus of busPage.EventBuses ?? []) {
      const busName = bus.Name ?? 'default';
      try {
        for await (const rulePage of pages((NextToken) => events.send(new ListRulesCommand({ EventBusName: busName, Limit: LIMIT, NextToken })))) {
          // No bulk form: targets are listed per rule.
          for (const rule of rulePage.Rules ?? []) await scanRuleTargets(events, busName, rule, ctx);
        }
      } catch (error) {
        // Only a bus deleted between ListEventBuses and here is skipped.
        if (isNamed(error, 'ResourceNotFoundException')) continue;
        throw error;
      }
    }
  }
}

async function scanSchedules(scheduler: SchedulerClient, ctx: ScanContext): Promise<void> {
  // No GroupName: every schedule group. The summaries carry only the target ARN, so the
  // schedules that target ECS are read one by one (no bulk form).
  for await (const page of paginateListSchedules({ client: scheduler, pageSize: 100 }, {})) {
    for (const summary of page.Schedules ?? []) {
      const targetArn = summary.Target?.Arn ?? '';
      if (!ECS_CLUSTER_ARN.test(targetArn) && !ECS_UNIVERSAL_TARGET.test(targetArn)) continue;
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
      const groups = [...(ecs?.NetworkConfiguration?.awsvpcConfiguration?.SecurityGroups ?? [])];
      // Universal targets: take every group id in the request text (safe side: never fewer).
      if (target?.Arn && ECS_UNIVERSAL_TARGET.test(target.Arn)) groups.push(...(target.Input?.match(GROUP_ID) ?? []));
      const name = `${schedule.GroupName ?? summary.GroupName ?? 'default'}/${schedule.Name ?? summary.Name ?? '?'}`;
      ctx.found(groups, {
        resourceType: 'EventBridge Scheduler schedule',
        resourceId: schedule.Arn ?? summary.Arn ?? name,
        resourceName: name,
        detail: [
          `state ${schedule.State ?? summary.State ?? 'unknown'}`,
          ecs?.TaskDefinitionArn ? `task ${ecs.TaskDefinitionArn}` : undefined,
          clusterName(target?.Arn) ? `cluster ${clusterName(target?.Arn)}` : target?.Arn ? `target ${target.Arn}` : undefined,
        ]
          .filter(Boolean)
          .join(', '),
      });
    }
  }
}

/**
 * ECS tasks started on a schedule: EventBridge rules with ECS targets (every event bus, enabled
 * or not) and EventBridge Scheduler schedules targeting ECS. Those tasks have no ENI between
 * runs, so this configuration is the only evidence.
 */
export const ecsScheduledTasksScanner: Scanner = {
  source: 'ecs-scheduled-tasks',
  service: 'events',
  actions: ['events:ListEventBuses', 'events:ListRules', 'events:ListTargetsByRule', 'scheduler:ListSchedules', 'scheduler:GetSchedule'],
  async scan(clients, _region, ctx) {
    await scanEventBridge(clients.get(EventBridgeClient), ctx);
    await scanSchedules(clients.get(SchedulerClient), ctx);
  },
};
