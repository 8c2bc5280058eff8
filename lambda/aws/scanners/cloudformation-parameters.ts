import { CloudFormationClient, paginateDescribeStacks } from '@aws-sdk/client-cloudformation';
import { groupIdSweep } from '../../core/group-id-sweep';
import type { Scanner } from './types';

// Confirmed in the CloudFormation API reference and botocore 1.43.11's model:
// - DescribeStacks without StackName describes every stack of the region in pages (NextToken; the
//   API takes no page size). Called that way it needs cloudformation:ListStacks as well as
//   cloudformation:DescribeStacks. Deleted stacks are only described by stack id; skip any
//   DELETE_COMPLETE that comes back anyway.
// - Stacks[].Parameters[]: ParameterKey, ParameterValue (the input text: a `List<AWS::EC2::
//   SecurityGroup::Id>` or CommaDelimitedList value is one comma-separated string), ResolvedValue
//   (the value behind an `AWS::SSM::Parameter::Value<...>` parameter, whose ParameterValue is the
//   SSM parameter's name). A NoEcho parameter's value comes back as `****`: it cannot be read.
// - DescribeStacks does not return parameter types, so every value is swept, whatever its type.
const HIDDEN = '****';

/**
 * Groups passed into live CloudFormation stacks as parameters. The stack's resources usually show
 * the group themselves, but the stack holds it too: its next update or rollback needs the group to
 * exist. Nested stacks and StackSet instances in this account are stacks of their own here.
 * Values are swept as free text (comma lists, SSM-resolved values, any parameter type); NoEcho
 * values are hidden by CloudFormation and reported in the scan's note.
 */
export const cloudformationParametersScanner: Scanner = {
  source: 'cloudformation-parameters',
  service: 'cloudformation',
  covers: ['place:cloudformation-stack-parameters'],
  actions: ['cloudformation:DescribeStacks', 'cloudformation:ListStacks'],
  async scan(clients, _region, ctx) {
    const cfn = clients.get(CloudFormationClient);
    const sweep = groupIdSweep(ctx.groups.map((g) => g.groupId));
    let hidden = 0;
    for await (const page of paginateDescribeStacks({ client: cfn }, {})) {
      for (const stack of page.Stacks ?? []) {
        if (stack.StackStatus === 'DELETE_COMPLETE') continue;
        for (const parameter of stack.Parameters ?? []) {
          if (parameter.ParameterValue === HIDDEN) hidden += 1;
          const fromValue = sweep.inText(parameter.ParameterValue);
          const fromResolved = sweep.inText(parameter.ResolvedValue).filter((id) => !fromValue.includes(id));
          const evidence = {
            resourceType: 'CloudFormation stack',
            resourceId: stack.StackId ?? stack.StackName ?? 'unknown',
            resourceName: stack.StackName,
          };
          const status = `status ${stack.StackStatus ?? 'unknown'}`;
          ctx.found(fromValue, { ...evidence, detail: `${status}, parameter ${parameter.ParameterKey ?? '?'}` });
          ctx.found(fromResolved, { ...evidence, detail: `${status}, parameter ${parameter.ParameterKey ?? '?'} (resolved from SSM ${parameter.ParameterValue ?? '?'})` });
        }
      }
    }
    if (hidden > 0) return { note: `${hidden} NoEcho parameter value${hidden === 1 ? ' is' : 's are'} hidden by CloudFormation and could not be read` };
  },
};
