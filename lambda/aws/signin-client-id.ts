import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/**
 * The app client id of signed-in approval, from the SSM parameter the stack writes. The client's
 * callback URL is the front's function URL, so the client depends on the function and its id
 * cannot be in the function's environment (CloudFormation would see a cycle).
 */
export async function readClientId(ssm: SSMClient, name: string): Promise<string> {
  const out = await ssm.send(new GetParameterCommand({ Name: name }));
  const value = out.Parameter?.Value?.trim();
  if (!value) throw new Error(`SSM parameter ${name} holds no app client id`);
  return value;
}
