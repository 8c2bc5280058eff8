import {
  ComprehendClient,
  DescribeFlywheelCommand,
  ListDocumentClassificationJobsCommand,
  ListDocumentClassifiersCommand,
  ListDominantLanguageDetectionJobsCommand,
  ListEntitiesDetectionJobsCommand,
  ListEntityRecognizersCommand,
  ListFlywheelsCommand,
  ListKeyPhrasesDetectionJobsCommand,
  ListSentimentDetectionJobsCommand,
  ListTargetedSentimentDetectionJobsCommand,
  ListTopicsDetectionJobsCommand,
} from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { comprehendScanner } from '../../../lambda/aws/scanners/comprehend';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const comprehend = mockClient(ComprehendClient);
const ARN = 'arn:aws:comprehend:us-east-1:123456789012';
const VPC = (ids: string[]) => ({ SecurityGroupIds: ids, Subnets: ['subnet-1'] });

beforeEach(() => {
  comprehend.reset();
  comprehend.on(ListDocumentClassifiersCommand).resolves({ DocumentClassifierPropertiesList: [] });
  comprehend.on(ListEntityRecognizersCommand).resolves({ EntityRecognizerPropertiesList: [] });
  comprehend.on(ListFlywheelsCommand).resolves({ FlywheelSummaryList: [] });
  comprehend.on(ListDocumentClassificationJobsCommand).resolves({ DocumentClassificationJobPropertiesList: [] });
  comprehend.on(ListDominantLanguageDetectionJobsCommand).resolves({ DominantLanguageDetectionJobPropertiesList: [] });
  comprehend.on(ListEntitiesDetectionJobsCommand).resolves({ EntitiesDetectionJobPropertiesList: [] });
  comprehend.on(ListKeyPhrasesDetectionJobsCommand).resolves({ KeyPhrasesDetectionJobPropertiesList: [] });
  comprehend.on(ListSentimentDetectionJobsCommand).resolves({ SentimentDetectionJobPropertiesList: [] });
  comprehend.on(ListTargetedSentimentDetectionJobsCommand).resolves({ TargetedSentimentDetectionJobPropertiesList: [] });
  comprehend.on(ListTopicsDetectionJobsCommand).resolves({ TopicsDetectionJobPropertiesList: [] });
});

describe('comprehend scanner', () => {
  it('marks a group held only by a trained document classifier as in use, naming the classifier', async () => {
    // Prepare
    comprehend.on(ListDocumentClassifiersCommand).resolves({
      DocumentClassifierPropertiesList: [{ DocumentClassifierArn: `${ARN}:document-classifier/tickets`, VersionName: 'v1', Status: 'TRAINED', VpcConfig: VPC(['sg-cls']) }],
    });

    // Act
    const result = await scanAndClassify(comprehendScanner, [group('sg-cls'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-cls').verdict).toBe('in-use');
    expect(result.verdictOf('sg-cls').usages[0]).toMatchObject({
      source: 'comprehend',
      resourceType: 'Comprehend document classifier',
      resourceId: `${ARN}:document-classifier/tickets`,
      detail: 'status TRAINED',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group held only by an entity recognizer as in use', async () => {
    comprehend.on(ListEntityRecognizersCommand).resolves({
      EntityRecognizerPropertiesList: [{ EntityRecognizerArn: `${ARN}:entity-recognizer/parts`, Status: 'TRAINED', VpcConfig: VPC(['sg-rec']) }],
    });

    const result = await scanAndClassify(comprehendScanner, [group('sg-rec')]);

    expect(result.verdictOf('sg-rec').usages[0]).toMatchObject({ resourceType: 'Comprehend entity recognizer' });
  });

  it('marks a group held only by a flywheel data security configuration as in use', async () => {
    const arn = `${ARN}:flywheel/loop`;
    comprehend.on(ListFlywheelsCommand).resolves({ FlywheelSummaryList: [{ FlywheelArn: arn, Status: 'ACTIVE' }] });
    comprehend.on(DescribeFlywheelCommand, { FlywheelArn: arn }).resolves({
      FlywheelProperties: { FlywheelArn: arn, Status: 'ACTIVE', DataSecurityConfig: { VpcConfig: VPC(['sg-fly']) } },
    });

    const result = await scanAndClassify(comprehendScanner, [group('sg-fly')]);

    expect(result.verdictOf('sg-fly').usages[0]).toMatchObject({ resourceType: 'Comprehend flywheel', resourceId: arn, detail: 'status ACTIVE' });
  });

  it('marks the group of a job not yet ended as in use and ignores the groups of ended jobs', async () => {
    comprehend.on(ListTopicsDetectionJobsCommand).resolves({
      TopicsDetectionJobPropertiesList: [
        { JobId: 'j1', JobArn: `${ARN}:topics-detection-job/j1`, JobName: 'nightly', JobStatus: 'SUBMITTED', VpcConfig: VPC(['sg-job']) },
        { JobId: 'j0', JobArn: `${ARN}:topics-detection-job/j0`, JobStatus: 'COMPLETED', VpcConfig: VPC(['sg-old']) },
      ],
    });

    const result = await scanAndClassify(comprehendScanner, [group('sg-job'), group('sg-old')]);

    expect(result.verdictOf('sg-job').usages[0]).toMatchObject({ resourceType: 'Comprehend topics detection job', resourceName: 'nightly', detail: 'status SUBMITTED' });
    expect(result.verdictOf('sg-old').verdict).toBe('candidate');
  });

  it('follows NextToken, asking for 500 per page', async () => {
    comprehend
      .on(ListEntityRecognizersCommand)
      .resolvesOnce({ EntityRecognizerPropertiesList: [], NextToken: 'p2' })
      .resolvesOnce({ EntityRecognizerPropertiesList: [{ EntityRecognizerArn: `${ARN}:entity-recognizer/late`, VpcConfig: VPC(['sg-late']) }] });

    const result = await scanAndClassify(comprehendScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(comprehend).toHaveReceivedCommandWith(ListEntityRecognizersCommand, { MaxResults: 500, NextToken: 'p2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when a job listing is denied', async () => {
    comprehend.on(ListSentimentDetectionJobsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(comprehendScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
