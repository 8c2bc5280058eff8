import { GetParametersCommand, paginateDescribeParameters, SSMClient } from '@aws-sdk/client-ssm';
import { chunks } from '../../core/concurrency';
import type { Scanner } from './types';

// Confirmed in the SSM API reference (DescribeParameters, GetParameters) and the SDK's model:
// - DescribeParameters lists the parameters of the account and region (metadata only: Name, Type,
//   Description, ...; MaxResults at most 50, NextToken). AWS's public parameters (/aws/service/...)
//   are not listed.
// - GetParameters takes at most 10 names per call and answers Parameters[] (Name, Type, Value, ARN,
//   ...) and InvalidParameters[] (names deleted since the listing). WithDecryption is ignored for
//   String and StringList. There is no bulk form that returns values without a path.
const DESCRIBE_PAGE = 50;
const NAMES_PER_GET = 10;

/**
 * SSM Parameter Store, where platform teams write group ids down for later jobs, pipelines and
 * deployments (`/network/app/sg-id`). The values are never read here: every answer a scan gets
 * goes through the free-text sweep (response-sweep.ts), which reports the groups named in a
 * parameter's value, name or description, with the parameter's ARN and the field path, and keeps
 * nothing else. SecureString values are never requested (no WithDecryption, and the role holds no
 * kms:Decrypt): they are counted and the scan's note says so.
 */
export const ssmParametersScanner: Scanner = {
  source: 'ssm-parameters',
  service: 'ssm',
  covers: ['place:ssm-parameters'],
  actions: ['ssm:DescribeParameters', 'ssm:GetParameters'],
  startsFirst: true,
  async scan(clients) {
    const ssm = clients.get(SSMClient);
    const plain: string[] = [];
    let secure = 0;
    for await (const page of paginateDescribeParameters({ client: ssm, pageSize: DESCRIBE_PAGE }, {})) {
      for (const parameter of page.Parameters ?? []) {
        if (!parameter.Name) continue;
        if (parameter.Type === 'SecureString') secure += 1;
        else plain.push(parameter.Name);
      }
    }
    for (const names of chunks(plain, NAMES_PER_GET)) {
      // The answer is swept as it arrives; a name deleted since the listing comes back in InvalidParameters.
      await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: false }));
    }
    if (secure > 0) {
      return {
        note: `${secure} SecureString parameter${secure === 1 ? '' : 's'} counted, not decrypted: a group id written only in ${secure === 1 ? 'its value' : 'their values'} is not seen (names and descriptions are)`,
      };
    }
  },
};
