import { Match } from 'aws-cdk-lib/assertions';
import { logicalId, synthStack, type Synthesized } from './infra-fixture';

/** CDK context approverSignIn: the Cognito side of signed-in approval, and nothing of it by default. */

let on: Synthesized;
let off: Synthesized;

beforeAll(() => {
  on = synthStack({ approverSignIn: true, approversGroup: 'cloud-security', signInDomainPrefix: 'acme-sg-approvals' });
  off = synthStack();
});

const ofType = (s: Synthesized, type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);

describe('approverSignIn', () => {
  it('adds nothing of Cognito, and no SIGNIN_ variable, by default', () => {
    // Prepare
    const env = (off.resources[logicalId(off.stack, off.stack.approve.function)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;

    // Act
    const cognito = Object.values(off.resources).filter((r) => r.Type.startsWith('AWS::Cognito::'));

    // Assess
    expect(cognito).toEqual([]);
    expect(Object.keys(env).filter((k) => k.startsWith('SIGNIN_'))).toEqual([]);
  });

  it('adds a user pool without self sign-up, its hosted domain and the approvers group', () => {
    // Prepare / Act / Assess
    on.template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    on.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-sg-approvals' });
    on.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'cloud-security' });
  });

  it('adds a public app client for the code flow only, calling back to the function URL /callback', () => {
    // Prepare
    const [[, client] = ['', { Type: '', Properties: {} }]] = ofType(on, 'AWS::Cognito::UserPoolClient');
    const url = logicalId(on.stack, on.stack.approvalUrl);

    // Act
    const props = client.Properties ?? {};

    // Assess
    expect(props.GenerateSecret).toBe(false);
    expect(props.AllowedOAuthFlows).toEqual(['code']);
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(props.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(props.CallbackURLs).toEqual([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [url, 'FunctionUrl'] }, 'callback']] }]);
  });

  it('points the front at the pool (issuer, endpoints, group, client id parameter) and lets it read only that parameter', () => {
    // Prepare
    const env = (on.resources[logicalId(on.stack, on.stack.approve.function)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;

    // Act
    const keys = Object.keys(env).filter((k) => k.startsWith('SIGNIN_')).sort();

    // Assess
    expect(keys).toEqual(['SIGNIN_AUTHORIZE_URL', 'SIGNIN_CLIENT_ID_PARAMETER', 'SIGNIN_GROUP', 'SIGNIN_ISSUER', 'SIGNIN_TOKEN_URL']);
    expect(env.SIGNIN_GROUP).toBe('cloud-security');
    expect(env.APPROVALS_REQUIRED).toBeUndefined();
    expect(env.SIGNIN_CLIENT_ID_PARAMETER).toBe('/SgAuditor/approval-client-id');
    on.template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/SgAuditor/approval-client-id' });
    on.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadApprovalClientId', Action: 'ssm:GetParameter' })]) },
    });
  });

  it('tells the front to require two approvers with approvalsRequired 2', () => {
    // Prepare
    const two = synthStack({ approverSignIn: true, approvalsRequired: 2 });

    // Act
    const env = (two.resources[logicalId(two.stack, two.stack.approve.function)]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assess
    expect(env.APPROVALS_REQUIRED).toBe('2');
  });
});
