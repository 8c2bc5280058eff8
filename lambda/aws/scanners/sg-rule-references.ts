import type { Scanner } from './types';

/**
 * Rule references between groups of the region. The rules come with the inventory
 * (DescribeSecurityGroupRules), so this scanner makes no call; it reports one usage per
 * referencing group, whose resourceId is the referencing group id: classify() counts it only
 * while that group is itself kept (the fixpoint), and never a group's reference to itself.
 */
export const sgRuleReferencesScanner: Scanner = {
  source: 'sg-rule-references',
  covers: ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress'],
  actions: ['ec2:DescribeSecurityGroupRules'],
  async scan(_clients, _region, ctx) {
    for (const group of ctx.groups) {
      for (const rule of [...group.ingress, ...group.egress]) {
        const target = rule.referencedGroup?.groupId;
        if (!target) continue;
        ctx.found([target], {
          resourceType: 'security-group',
          resourceId: group.groupId,
          resourceName: group.groupName,
          detail: `${rule.isEgress ? 'egress' : 'ingress'} rule ${rule.ruleId}`,
        });
      }
    }
  },
};
