import { INVENTORY_ACTIONS } from '../lambda/aws/inventory';
import { REGION_ACTIONS } from '../lambda/aws/regions';
import { SCANNERS } from '../lambda/aws/scanners/registry';

/** docs/sources-and-iam.md's table of usage sources and IAM actions, generated from the scanner registry. */
export function sourcesTable(): string {
  const rows = SCANNERS.map(
    (s) => `| \`${s.source}\` | ${s.service ? `\`${s.service}\`` : '(from the inventory)'} | ${s.actions.map((a) => `\`${a}\``).join(', ')} |`,
  );
  const base = [...INVENTORY_ACTIONS, ...REGION_ACTIONS].map((a) => `\`${a}\``).join(', ');
  return [
    '| source id | service code | IAM actions |',
    '|---|---|---|',
    `| (inventory and regions) | \`ec2\`, \`ssm\` | ${base} |`,
    ...rows,
  ].join('\n');
}

if (require.main === module) process.stdout.write(`${sourcesTable()}\n`);
