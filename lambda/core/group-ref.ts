/**
 * A security group reference as AWS APIs write it: the id (`sg-0123abcd`) or the ARN
 * (`arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123abcd`, in any partition). Several
 * APIs (DataSync locations, Kendra and Q Business data sources, Bedrock AgentCore, ...) hold groups
 * as ARNs; a scanner hands either form to `ctx.found`, which records the id.
 */

// The partition (aws, aws-cn, aws-us-gov, aws-iso, ...), region and account are not checked: the
// id must still be one of the region's groups to count, and an unknown id is harmless.
const GROUP_ARN = /^arn:aws[a-z-]*:ec2:[a-z0-9-]*:[0-9]*:security-group\/(sg-[0-9a-f]+)$/i;

/** The group id a reference names: the id itself, or the id inside a security-group ARN; other strings unchanged. */
export function groupIdOfRef(ref: string): string {
  const trimmed = ref.trim();
  const arn = GROUP_ARN.exec(trimmed);
  if (arn) return (arn[1] as string).toLowerCase();
  return trimmed;
}
