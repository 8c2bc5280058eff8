import {
  DescribeStateMachineCommand,
  ListStateMachineVersionsCommand,
  SFNClient,
  paginateListStateMachines,
} from '@aws-sdk/client-sfn';
import { describePlaces, groupIdSweep, placesByGroup, type GroupIdPlace, type GroupIdSweep } from '../../core/group-id-sweep';
import { isNamed } from '../errors';
import type { ScanContext, Scanner } from './types';

// Confirmed in the Step Functions API reference and botocore 1.43.11's model:
// - ListStateMachines: maxResults 0-1000 (page size 1000), nextToken; items stateMachineArn, name, type.
// - ListStateMachineVersions(stateMachineArn): maxResults 0-1000, nextToken; SDK v3 has no paginator.
// - DescribeStateMachine(stateMachineArn): `definition` is the ASL JSON text; given a version ARN
//   (`<arn>:<n>`) it describes that version. A definition encrypted with a customer managed key
//   needs kms:Decrypt: without it the call fails (KmsAccessDeniedException) and so does the scan.
// - A machine or version deleted after the listing: StateMachineDoesNotExist.
// - IAM: states:ListStateMachines, states:ListStateMachineVersions, states:DescribeStateMachine.
const PAGE_SIZE = 1000;

/** "Fanout > RunTask": the states (innermost last) whose definition holds the place. */
function stateOf(place: GroupIdPlace): string | undefined {
  const names: string[] = [];
  const s = place.segments;
  for (let i = 0; i + 1 < s.length; i += 1) {
    const next = s[i + 1];
    if (s[i] === 'States' && typeof next === 'string') names.push(next);
  }
  return names.length > 0 ? names.join(' > ') : undefined;
}

/** Describes one machine or version and records every group its definition names; false if it is gone. */
async function sweepDefinition(sfn: SFNClient, arn: string, version: string | undefined, sweep: GroupIdSweep, ctx: ScanContext): Promise<boolean> {
  let machine;
  try {
    machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  } catch (error) {
    // Only a machine or version deleted since it was listed is skipped.
    if (isNamed(error, 'StateMachineDoesNotExist')) return false;
    throw error;
  }
  for (const [groupId, places] of placesByGroup(sweep.inJsonText(machine.definition))) {
    const states = [...new Set(places.map(stateOf).filter((s): s is string => s !== undefined))];
    ctx.found([groupId], {
      resourceType: 'Step Functions state machine',
      resourceId: arn,
      resourceName: machine.name,
      detail: [
        machine.type,
        version ? `version ${version}` : undefined,
        states.length > 0 ? `state ${states.slice(0, 3).join(', ')}` : undefined,
        describePlaces(places),
      ]
        .filter(Boolean)
        .join(', '),
    });
  }
  return true;
}

/** Every published version of a machine: an alias or a caller may still run an old definition. */
async function sweepVersions(sfn: SFNClient, machineArn: string, sweep: GroupIdSweep, ctx: ScanContext): Promise<void> {
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: machineArn, maxResults: PAGE_SIZE, nextToken }));
    } catch (error) {
      if (isNamed(error, 'StateMachineDoesNotExist')) return;
      throw error;
    }
    for (const version of page.stateMachineVersions ?? []) {
      const arn = version.stateMachineVersionArn;
      if (arn) await sweepDefinition(sfn, arn, arn.startsWith(`${machineArn}:`) ? arn.slice(machineArn.length + 1) : arn, sweep, ctx);
    }
    nextToken = page.nextToken;
  } while (nextToken);
}

/**
 * Step Functions state machine definitions, latest and every published version. A definition is
 * free-form (ECS RunTask, SageMaker, EMR, Batch or any SDK integration's parameters, JSONata
 * text...): any id of a group of the region found in it is usage, with the state and JSON path.
 * Nothing runs between executions, so the definition is the only evidence. No bulk form: one
 * DescribeStateMachine per machine and per version, one ListStateMachineVersions per machine.
 */
export const stepFunctionsScanner: Scanner = {
  source: 'step-functions',
  service: 'stepfunctions',
  covers: ['place:step-functions-definitions'],
  actions: ['states:ListStateMachines', 'states:ListStateMachineVersions', 'states:DescribeStateMachine'],
  async scan(clients, _region, ctx) {
    const sfn = clients.get(SFNClient);
    const sweep = groupIdSweep(ctx.groups.map((g) => g.groupId));
    for await (const page of paginateListStateMachines({ client: sfn, pageSize: PAGE_SIZE }, {})) {
      for (const item of page.stateMachines ?? []) {
        if (!item.stateMachineArn) continue;
        if (await sweepDefinition(sfn, item.stateMachineArn, undefined, sweep, ctx)) await sweepVersions(sfn, item.stateMachineArn, sweep, ctx);
      }
    }
  },
};
