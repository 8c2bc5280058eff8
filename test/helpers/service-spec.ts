import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { ResourceSpec, SpecResource, SpecTypeDefinition } from '../../lambda/core/coverage';

/**
 * AWS's resource model as installed (@aws-cdk/aws-service-spec, a devDependency: tests only,
 * never bundled), in the shape lambda/core/coverage.ts walks. `extra` adds resource types and
 * type definitions, to show what the ledger check does with a type AWS has just added.
 */
export async function loadResourceSpec(extra: { resources?: SpecResource[]; definitions?: SpecTypeDefinition[] } = {}): Promise<ResourceSpec> {
  const db = await loadAwsServiceSpec();
  const definitions = new Map((extra.definitions ?? []).map((d) => [d.$id, d]));
  return {
    resources: [...db.all('resource'), ...(extra.resources ?? [])],
    typeDefinition(id) {
      const added = definitions.get(id);
      // An unknown id throws: a spec the walk cannot follow must fail the test, not shrink the list.
      return added ?? db.get('typeDefinition', id);
    },
  };
}
