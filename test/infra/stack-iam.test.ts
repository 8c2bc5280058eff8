import { DELETION_ACTIONS } from '../../lambda/aws/deleter';
import { INVENTORY_ACTIONS } from '../../lambda/aws/inventory';
import { REGION_ACTIONS } from '../../lambda/aws/regions';
import { scannerActions } from '../../lambda/aws/scanners/registry';
import { actionsOf, bySid, logicalId, policyDocuments, roleStatements, synthStack, type Statement, type Synthesized } from './infra-fixture';

/** What the code declares it calls: computed here, independently of the stack. */
const DECLARED_READ_ACTIONS = [...new Set([...scannerActions(), ...INVENTORY_ACTIONS, ...REGION_ACTIONS])].sort();
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const NOTIFY_ACTIONS = ['sns:Publish', 'kms:Decrypt', 'kms:GenerateDataKey'];
// IAM's limit for all inline policies of one role, counted without whitespace.
const INLINE_POLICY_LIMIT = 10_240;

let synth: Synthesized;
let audit: Statement[];
let approve: Statement[];
let batch: Statement[];
let reaudit: Statement[];
let finish: Statement[];
let bucketId: string;

beforeAll(() => {
  synth = synthStack({ protectTag: 'Keep=forever', productionTag: 'Stage=live' });
  const { stack } = synth;
  audit = roleStatements(synth.resources, logicalId(stack, stack.audit.role));
  approve = roleStatements(synth.resources, logicalId(stack, stack.approve.role));
  batch = roleStatements(synth.resources, logicalId(stack, stack.deletion.functions.batch.role));
  reaudit = roleStatements(synth.resources, logicalId(stack, stack.deletion.functions.reaudit.role));
  finish = roleStatements(synth.resources, logicalId(stack, stack.deletion.functions.finish.role));
  bucketId = logicalId(stack, stack.bucket);
});

function allActions(statements: readonly Statement[], effect: 'Allow' | 'Deny' = 'Allow'): string[] {
  return [...new Set(statements.filter((s) => s.Effect === effect).flatMap(actionsOf))].sort();
}

function objectArn(prefix: string): unknown {
  return { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}/*`]] };
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

describe('wildcards', () => {
  it('no Allow statement in any policy document (IAM, bucket, topic or key policy) has a wildcard action', () => {
    // Prepare
    const documents = policyDocuments(synth.resources);

    // Act
    const wildcards = documents.flatMap((d) =>
      d.statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.includes('*'))).map((s) => `${d.resourceId}: ${actionsOf(s).join(',')}`),
    );

    // Assess
    expect(documents.length).toBeGreaterThan(5);
    expect(wildcards).toEqual([]);
  });

  it('a wildcard action appears only in a Deny that refuses plain-HTTP requests', () => {
    // Prepare
    const statements = policyDocuments(synth.resources).flatMap((d) => d.statements);

    // Act
    const wildDenies = statements.filter((s) => s.Effect === 'Deny' && actionsOf(s).some((a) => a.includes('*')));

    // Assess
    for (const deny of wildDenies) expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('no statement grants by exclusion (NotAction)', () => {
    // Prepare / Act
    const statements = policyDocuments(synth.resources).flatMap((d) => d.statements);

    // Assess
    expect(statements.filter((s) => s.NotAction !== undefined)).toEqual([]);
  });

  it('only the read-only describe statements of the Lambda roles apply to every resource', () => {
    // Prepare
    const iamStatements = [...audit, ...approve, ...reaudit, ...batch, ...finish];

    // Act
    const onEverything = iamStatements.filter((s) => resourcesOf(s).includes('*'));

    // Assess
    expect(onEverything.map((s) => s.Sid)).toEqual(['ReadOnlyDescribe', 'ReadOnlyDescribe', 'CheckInFlightGroups', 'RecheckBeforeDeleting']);
    for (const statement of onEverything) {
      expect(actionsOf(statement).every((a) => /^[a-z0-9-]+:(Describe|List|Get|BatchGet|LookupEvents|GET$)/.test(a))).toBe(true);
    }
  });
});

describe('audit role', () => {
  it('is granted exactly the read actions the scanners, inventory and region discovery declare, plus its writes', () => {
    // Prepare
    const integrations = ['securityhub:BatchImportFindings', 'securityhub:DescribeHub', 'securityhub:GetFindings', 'events:PutEvents'];
    const expected = [...new Set([...DECLARED_READ_ACTIONS, ...LOG_ACTIONS, ...NOTIFY_ACTIONS, ...integrations, 'kms:GenerateMac', 's3:PutObject'])].sort();

    // Act
    const granted = allActions(audit);

    // Assess
    expect(granted).toEqual(expected);
  });

  it('imports findings only into this account s own product and puts events only with source sg-auditor on the default bus', () => {
    // Act
    const importFindings = bySid(audit, 'ImportFindingsAsThisAccount');
    const putEvents = bySid(audit, 'PutSgAuditorEvents');

    // Assess
    expect(JSON.stringify(importFindings.Resource)).toContain(':product/');
    expect(JSON.stringify(importFindings.Resource)).toContain('/default');
    expect(putEvents).toMatchObject({ Action: 'events:PutEvents', Condition: { 'ForAllValues:StringEquals': { 'events:source': ['sg-auditor'] }, Null: { 'events:source': 'false' } } });
    expect(JSON.stringify(putEvents.Resource)).toContain(':event-bus/default');
  });

  it('writes artifacts only under audits/', () => {
    // Prepare / Act
    const write = bySid(audit, 'WriteAuditArtifacts');

    // Assess
    expect(write).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject', Resource: objectArn('audits') });
  });

  it('can sign approval links with the MAC key but not verify them', () => {
    // Prepare
    const macKeyArn = { 'Fn::GetAtt': [logicalId(synth.stack, synth.stack.macKey), 'Arn'] };

    // Act / Assess
    expect(bySid(audit, 'SignApprovalLinks')).toMatchObject({ Action: 'kms:GenerateMac', Resource: macKeyArn });
    expect(allActions(audit)).not.toContain('kms:VerifyMac');
  });

  it('cannot delete or revoke anything', () => {
    // Prepare / Act
    const granted = allActions(audit);

    // Assess
    for (const action of DELETION_ACTIONS) expect(granted).not.toContain(action);
  });
});

describe('approval front role', () => {
  it('can only verify links, read and lock with If-None-Match, and start and describe the deletion workflow', () => {
    // Prepare
    const expected = [...LOG_ACTIONS, 'kms:VerifyMac', 's3:GetObject', 's3:PutObject', 's3:ListBucket', 'states:StartExecution', 'states:DescribeExecution'].sort();

    // Act
    const granted = allActions(approve);

    // Assess
    expect(granted).toEqual(expected);
  });

  it('reads reports, locks and the deletion trail, and writes only locks, each under its own prefix', () => {
    // Prepare / Act
    const read = bySid(approve, 'ReadReportsLocksAndProgress');
    const write = bySid(approve, 'TakeSingleUseLocks');

    // Assess
    expect(read).toMatchObject({ Action: 's3:GetObject', Resource: [objectArn('audits'), objectArn('approvals'), objectArn('deletions')] });
    expect(write).toMatchObject({ Action: 's3:PutObject', Resource: objectArn('approvals'), Condition: { Null: { 's3:if-none-match': 'false' } } });
  });

  it('starts only the deletion state machine', () => {
    // Prepare / Act
    const start = bySid(approve, 'StartDeletion');

    // Assess
    expect(start).toMatchObject({ Action: 'states:StartExecution', Resource: { Ref: logicalId(synth.stack, synth.stack.deletion.stateMachine) } });
  });

  it('can verify approval links but not sign them', () => {
    // Prepare / Act / Assess
    expect(bySid(approve, 'VerifyApprovalLinks')).toMatchObject({ Action: 'kms:VerifyMac' });
    expect(allActions(approve)).not.toContain('kms:GenerateMac');
  });
});

describe('deletion workflow roles', () => {
  it('only the batch task may delete and revoke, on security groups not tagged with the configured productionTag', () => {
    // Prepare / Act
    const allow = bySid(batch, 'DeleteUnprotectedSecurityGroups');
    const others = [...audit, ...approve, ...reaudit, ...finish].filter((s) => actionsOf(s).some((a) => (DELETION_ACTIONS as readonly string[]).includes(a)));

    // Assess
    expect(allow.Effect).toBe('Allow');
    expect(actionsOf(allow).sort()).toEqual([...DELETION_ACTIONS].sort());
    expect(allow.Condition).toEqual({ StringNotEqualsIgnoreCase: { 'aws:ResourceTag/Stage': ['live', ' live', 'live ', ' live '] } });
    expect(JSON.stringify(allow.Resource)).toContain(':security-group/*');
    expect(others).toEqual([]);
  });

  it('denies the batch task deleting and revoking on groups carrying the configured protection tag', () => {
    // Prepare / Act
    const deny = bySid(batch, 'DenyDeletingProtectedSecurityGroups');

    // Assess
    expect(deny.Effect).toBe('Deny');
    expect(actionsOf(deny).sort()).toEqual([...DELETION_ACTIONS].sort());
    expect(deny.Condition).toEqual({ StringEqualsIgnoreCase: { 'aws:ResourceTag/Keep': ['forever', ' forever', 'forever ', ' forever '] } });
  });

  it('denies the batch task deleting and revoking on groups carrying the configured productionTag, ignoring case and one surrounding space', () => {
    // Prepare / Act
    const deny = bySid(batch, 'DenyDeletingProductionSecurityGroups');

    // Assess
    expect(deny.Effect).toBe('Deny');
    expect(actionsOf(deny).sort()).toEqual([...DELETION_ACTIONS].sort());
    expect(deny.Condition).toEqual({ StringEqualsIgnoreCase: { 'aws:ResourceTag/Stage': ['live', ' live', 'live ', ' live '] } });
  });

  it('denies the batch task deleting and revoking on groups a CloudFormation stack created (tag aws:cloudformation:stack-id present)', () => {
    // Prepare / Act
    const deny = bySid(batch, 'DenyDeletingStackManagedSecurityGroups');

    // Assess: Null "false" holds when the key is present, whatever its value.
    expect(deny.Effect).toBe('Deny');
    expect(actionsOf(deny).sort()).toEqual([...DELETION_ACTIONS].sort());
    expect(deny.Condition).toEqual({ Null: { 'aws:ResourceTag/aws:cloudformation:stack-id': 'false' } });
  });

  it('gives the re-audit exactly the audit read actions and its S3 access, and nothing that changes the account', () => {
    // Prepare
    const expected = [...new Set([...DECLARED_READ_ACTIONS, ...LOG_ACTIONS, 's3:GetObject', 's3:PutObject', 's3:ListBucket'])].sort();

    // Act / Assess
    expect(allActions(reaudit)).toEqual(expected);
  });

  it('cannot assume any role in a single-account install (organization mode off)', () => {
    // Act
    const granted = policyDocuments(synth.resources).filter((d) => d.type === 'AWS::IAM::Policy');
    const assume = granted.flatMap((d) => d.statements).filter((s) => actionsOf(s).some((a) => a.startsWith('sts:')));

    // Assess
    expect(assume).toEqual([]);
  });

  it('writes the deletion trail only under deletions/', () => {
    // Prepare / Act / Assess
    expect(bySid(finish, 'WriteDeletionTrail')).toMatchObject({ Action: 's3:PutObject', Resource: objectArn('deletions') });
  });
});

describe('audit and re-audit roles', () => {
  it('read service parameters only under the public global-infrastructure path, one at a time', () => {
    // Prepare
    const ssm = (statements: Statement[]) => statements.filter((s) => actionsOf(s).includes('ssm:GetParameter'));

    // Act
    const statements = [...ssm(audit), ...ssm(reaudit)];

    // Assess
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(actionsOf(statement)).toEqual(['ssm:GetParameter']);
      expect(JSON.stringify(statement.Resource)).toContain(':ssm:*::parameter/aws/service/global-infrastructure/*');
    }
  });

  it('read parameter values for the sweep (ssm-parameters) but can decrypt no SecureString: no kms:Decrypt on every key', () => {
    // Prepare
    const grants = (statements: Statement[], action: string) => statements.filter((s) => actionsOf(s).includes(action));

    // Act
    const values = [...grants(audit, 'ssm:GetParameters'), ...grants(reaudit, 'ssm:GetParameters')];
    const decrypt = [...grants(audit, 'kms:Decrypt'), ...grants(reaudit, 'kms:Decrypt')];

    // Assess
    expect(values).toHaveLength(2);
    expect(decrypt.filter((s) => JSON.stringify(s.Resource) === '"*"')).toEqual([]);
  });

  it('read API Gateway only at the VPC links path, since GET on every path would read API keys', () => {
    // Prepare
    const get = (statements: Statement[]) => statements.filter((s) => actionsOf(s).includes('apigateway:GET'));

    // Act
    const statements = [...get(audit), ...get(reaudit)];

    // Assess
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(actionsOf(statement)).toEqual(['apigateway:GET']);
      expect(JSON.stringify(statement.Resource)).toContain(':apigateway:*::/vpclinks');
    }
  });

  it('publish only to the notification topic', () => {
    // Prepare
    const topic = { Ref: logicalId(synth.stack, synth.stack.topic) };

    // Act / Assess
    expect(bySid(audit, 'Notify')).toMatchObject({ Action: 'sns:Publish', Resource: topic });
    expect(bySid(finish, 'Notify')).toMatchObject({ Action: 'sns:Publish', Resource: topic });
    expect(allActions(approve)).not.toContain('sns:Publish');
  });

  it('use no AWS managed policies; only the audit role spills its read actions into its own overflow policy', () => {
    // Prepare / Act
    const roles = Object.values(synth.resources).filter((r) => r.Type === 'AWS::IAM::Role');
    const managed = Object.values(synth.resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');

    // Assess
    expect(roles).toHaveLength(10);
    for (const role of roles) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    // With ~150 sources the audit role's read actions pass IAM's 10,240-character inline limit: CDK
    // moves the rest into customer managed policies attached to that role alone.
    for (const policy of managed) {
      expect(policy.Properties?.Description).toBe('Part of the policies for SgAuditor/Audit/Role');
      expect(policy.Properties?.Roles).toEqual([{ Ref: logicalId(synth.stack, synth.stack.audit.role) }]);
    }
  });

  it("keep each role's inline policy within IAM's size limit", () => {
    // Prepare
    const sizes = [audit, approve, reaudit, batch, finish].map((statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements }).replace(/\s/g, '').length);

    // Act / Assess
    for (const size of sizes) expect(size).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
