import {
  ComprehendClient,
  DescribeFlywheelCommand,
  paginateListDocumentClassificationJobs,
  paginateListDocumentClassifiers,
  paginateListDominantLanguageDetectionJobs,
  paginateListEntitiesDetectionJobs,
  paginateListEntityRecognizers,
  paginateListFlywheels,
  paginateListKeyPhrasesDetectionJobs,
  paginateListSentimentDetectionJobs,
  paginateListTargetedSentimentDetectionJobs,
  paginateListTopicsDetectionJobs,
  type ComprehendPaginationConfiguration,
  type JobStatus,
  type VpcConfig,
} from '@aws-sdk/client-comprehend';
import { groupRefsIn, unlessGone } from './group-fields';
import type { ScanContext, Scanner } from './types';

// Amazon Comprehend API reference and botocore 1.43.11's model (every List below: MaxResults
// 1–500, NextToken, and the properties of each item, VpcConfig included, so no Describe):
// - ListDocumentClassifiers: DocumentClassifierPropertiesList[].VpcConfig.SecurityGroupIds.
// - ListEntityRecognizers: EntityRecognizerPropertiesList[].VpcConfig.SecurityGroupIds.
// - ListFlywheels: FlywheelSummaryList[] (no VpcConfig) -> DescribeFlywheel(FlywheelArn):
//   FlywheelProperties.DataSecurityConfig.VpcConfig.SecurityGroupIds.
// - Asynchronous jobs with VpcConfig: DocumentClassification, DominantLanguageDetection,
//   EntitiesDetection, KeyPhrasesDetection, SentimentDetection, TargetedSentimentDetection,
//   TopicsDetection (Events and PiiEntities jobs have no VpcConfig). JobStatus: SUBMITTED |
//   IN_PROGRESS | COMPLETED | FAILED | STOP_REQUESTED | STOPPED.
// - Endpoints (ListEndpoints) have no VpcConfig.
// - IAM: comprehend:List* and comprehend:DescribeFlywheel below.
const PAGE_SIZE = 500;

/** A job that has not ended yet may still create its interfaces with these groups. */
const LIVE_JOB: ReadonlySet<JobStatus> = new Set<JobStatus>(['SUBMITTED', 'IN_PROGRESS', 'STOP_REQUESTED']);

interface JobProperties {
  JobId?: string | undefined;
  JobArn?: string | undefined;
  JobName?: string | undefined;
  JobStatus?: JobStatus | undefined;
  VpcConfig?: VpcConfig | undefined;
}

interface JobKind {
  label: string;
  list(paging: ComprehendPaginationConfiguration): AsyncIterable<readonly JobProperties[] | undefined>;
}

const JOB_KINDS: readonly JobKind[] = [
  {
    label: 'document classification',
    list: (p) => pages(paginateListDocumentClassificationJobs(p, {}), (page) => page.DocumentClassificationJobPropertiesList),
  },
  {
    label: 'dominant language detection',
    list: (p) => pages(paginateListDominantLanguageDetectionJobs(p, {}), (page) => page.DominantLanguageDetectionJobPropertiesList),
  },
  { label: 'entities detection', list: (p) => pages(paginateListEntitiesDetectionJobs(p, {}), (page) => page.EntitiesDetectionJobPropertiesList) },
  { label: 'key phrases detection', list: (p) => pages(paginateListKeyPhrasesDetectionJobs(p, {}), (page) => page.KeyPhrasesDetectionJobPropertiesList) },
  { label: 'sentiment detection', list: (p) => pages(paginateListSentimentDetectionJobs(p, {}), (page) => page.SentimentDetectionJobPropertiesList) },
  {
    label: 'targeted sentiment detection',
    list: (p) => pages(paginateListTargetedSentimentDetectionJobs(p, {}), (page) => page.TargetedSentimentDetectionJobPropertiesList),
  },
  { label: 'topics detection', list: (p) => pages(paginateListTopicsDetectionJobs(p, {}), (page) => page.TopicsDetectionJobPropertiesList) },
];

async function* pages<P, T>(paginator: AsyncIterable<P>, items: (page: P) => T | undefined): AsyncIterable<T | undefined> {
  for await (const page of paginator) yield items(page);
}

async function scanJobs(paging: ComprehendPaginationConfiguration, ctx: ScanContext): Promise<void> {
  for (const kind of JOB_KINDS) {
    for await (const jobs of kind.list(paging)) {
      for (const job of jobs ?? []) {
        if (!job.JobStatus || !LIVE_JOB.has(job.JobStatus)) continue;
        ctx.found(job.VpcConfig?.SecurityGroupIds, {
          resourceType: `Comprehend ${kind.label} job`,
          resourceId: job.JobArn ?? job.JobId ?? 'job-?',
          ...(job.JobName ? { resourceName: job.JobName } : {}),
          detail: `status ${job.JobStatus}`,
        });
      }
    }
  }
}

/**
 * Comprehend custom classifiers and entity recognizers (their training and retraining run in the
 * VPC), flywheels, and the asynchronous jobs not yet ended. Models and flywheels hold their
 * groups with no interface; a job's are read until it ends, before its interfaces exist.
 */
export const comprehendScanner: Scanner = {
  source: 'comprehend',
  service: 'comprehend',
  covers: ['AWS::Comprehend::DocumentClassifier', 'AWS::Comprehend::EntityRecognizer', 'AWS::Comprehend::Flywheel', 'place:comprehend-jobs'],
  actions: [
    'comprehend:ListDocumentClassifiers',
    'comprehend:ListEntityRecognizers',
    'comprehend:ListFlywheels',
    'comprehend:DescribeFlywheel',
    'comprehend:ListDocumentClassificationJobs',
    'comprehend:ListDominantLanguageDetectionJobs',
    'comprehend:ListEntitiesDetectionJobs',
    'comprehend:ListKeyPhrasesDetectionJobs',
    'comprehend:ListSentimentDetectionJobs',
    'comprehend:ListTargetedSentimentDetectionJobs',
    'comprehend:ListTopicsDetectionJobs',
  ],
  async scan(clients, _region, ctx) {
    const comprehend = clients.get(ComprehendClient);
    const paging = { client: comprehend, pageSize: PAGE_SIZE };

    for await (const page of paginateListDocumentClassifiers(paging, {})) {
      for (const classifier of page.DocumentClassifierPropertiesList ?? []) {
        ctx.found(classifier.VpcConfig?.SecurityGroupIds, {
          resourceType: 'Comprehend document classifier',
          resourceId: classifier.DocumentClassifierArn ?? 'document-classifier-?',
          ...(classifier.VersionName ? { resourceName: classifier.VersionName } : {}),
          detail: `status ${classifier.Status ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListEntityRecognizers(paging, {})) {
      for (const recognizer of page.EntityRecognizerPropertiesList ?? []) {
        ctx.found(recognizer.VpcConfig?.SecurityGroupIds, {
          resourceType: 'Comprehend entity recognizer',
          resourceId: recognizer.EntityRecognizerArn ?? 'entity-recognizer-?',
          ...(recognizer.VersionName ? { resourceName: recognizer.VersionName } : {}),
          detail: `status ${recognizer.Status ?? 'unknown'}`,
        });
      }
    }

    for await (const page of paginateListFlywheels(paging, {})) {
      for (const summary of page.FlywheelSummaryList ?? []) {
        const arn = summary.FlywheelArn;
        if (!arn) continue;
        const flywheel = await unlessGone(() => comprehend.send(new DescribeFlywheelCommand({ FlywheelArn: arn })));
        if (!flywheel) continue;
        ctx.found(groupRefsIn(flywheel.FlywheelProperties?.DataSecurityConfig), {
          resourceType: 'Comprehend flywheel',
          resourceId: arn,
          detail: `status ${flywheel.FlywheelProperties?.Status ?? summary.Status ?? 'unknown'}`,
        });
      }
    }

    await scanJobs(paging, ctx);
  },
};
