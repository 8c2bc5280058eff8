import { groupRefsIn } from '../../../lambda/aws/scanners/group-fields';

describe('groupRefsIn', () => {
  it('collects group ids and group ARNs from every field whose name mentions a security group, at any depth', () => {
    // Prepare
    const response = {
      Configuration: { JiraConfiguration: { VpcConfiguration: { SecurityGroupIds: ['sg-1a'], SubnetIds: ['subnet-1'] } } },
      list: [{ securityGroup: 'sg-2b' }, { nested: { SecurityGroupArns: ['arn:aws:ec2:us-east-1:123456789012:security-group/sg-3c'] } }],
      securityGroups: { inner: ['sg-4d'] },
    };

    // Act
    const refs = groupRefsIn(response);

    // Assess
    expect(refs.sort()).toEqual(['arn:aws:ec2:us-east-1:123456789012:security-group/sg-3c', 'sg-1a', 'sg-2b', 'sg-4d']);
  });

  it('leaves out values of other fields and strings that name no group', () => {
    const refs = groupRefsIn({ description: 'sg-99', AppSecurityGroupManagement: 'Service', subnetIds: ['subnet-1'], createdAt: new Date(0) });

    expect(refs).toEqual([]);
  });
});
