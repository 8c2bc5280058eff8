/** IAM actions the deletion path calls (granted to the approval Lambda, with conditions). */
export const DELETION_ACTIONS = [
  'ec2:DeleteSecurityGroup',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
] as const;
