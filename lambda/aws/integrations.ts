import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  DescribeHubCommand,
  SecurityHubClient,
  paginateGetFindings,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
} from '@aws-sdk/client-securityhub';
import type { ClientFactory } from './client-factory';
import { toScanError } from './errors';
import type { FindingsMode } from '../core/config';
import type { StartedRecord } from '../core/deletion-contract';
import type { DeletionResult } from '../core/deletion-plan';
import { auditCompletedEvent, deletionEndedEvent, deletionStartedEvent, EVENT_SOURCE, type IntegrationEvent } from '../core/events';
import {
  archivedFinding,
  chunks,
  FINDING_GENERATOR_ID,
  planDeletionFindings,
  planRegionFindings,
  productArn,
  type Finding,
} from '../core/findings';
import type { AuditReport } from '../core/model';

/**
 * Security Hub findings and EventBridge events: what a security team sees where it already looks.
 * Both are integrations, never part of the decision: a failure here is logged (and counted in the
 * outcome) and never fails the audit or the deletion, whose email and S3 trail stay the record.
 */

/** `auto`: findings where Security Hub is enabled in the region, silently nothing elsewhere. */


export interface IntegrationsOptions {
  /** Clients per region (findings go to the hub of the group's region); events go to the home region's default bus. */
  factory: ClientFactory;
  homeRegion: string;
  findings: FindingsMode;
  events: boolean;
  /**
   * The account whose hub receives the findings: the one these credentials are in. Default: the
   * audited account (single-account mode); organization mode passes the auditor account.
   */
  hubAccount?: () => Promise<string>;
  logger: { info(message: string, ...extra: Record<string, unknown>[]): void; warn(message: string, ...extra: Record<string, unknown>[]): void };
  now?: () => Date;
}

export interface FindingsOutcome {
  region: string;
  status: 'written' | 'hub-not-enabled' | 'failed';
  imported: number;
  archived: number;
  resolved: number;
  suppressed: number;
  error?: string;
}

/** DescribeHub says the account is not subscribed to Security Hub in the region. */
function hubNotEnabled(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return name === 'InvalidAccessException' || name === 'ResourceNotFoundException';
}

const EVENTS_PER_REQUEST = 10;

export class Integrations {
  private readonly now: () => Date;

  constructor(private readonly options: IntegrationsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** After an audit's artifacts are written: findings per audited region, then the "Audit Completed" event. */
  async auditPublished(report: AuditReport, bucket: string, reportKey: string, dryRun: boolean, linkExpiresAt?: string): Promise<FindingsOutcome[]> {
    const reportUri = `s3://${bucket}/${reportKey}`;
    const outcomes: FindingsOutcome[] = [];
    if (this.options.findings !== 'off') {
      for (const region of report.regions) {
        outcomes.push(
          await this.inRegion(region.region, async (hub, outcome) => {
            const hubAccount = this.options.hubAccount ? await this.options.hubAccount() : report.accountId;
            const active = await this.activeFindings(hub, region.region, hubAccount);
            const plan = planRegionFindings(report, region, active, this.now(), reportUri, hubAccount);
            outcome.imported = await this.importAll(hub, plan.upsert);
            outcome.archived = await this.importAll(hub, plan.archive);
          }),
        );
      }
    }
    await this.put([auditCompletedEvent(report, reportUri, dryRun, linkExpiresAt)]);
    return outcomes;
  }

  /** The deletion workflow wrote its started trail. */
  async deletionStarted(record: StartedRecord): Promise<void> {
    await this.put([deletionStartedEvent(record)]);
  }

  /** The deletion's trail is written (completed or aborted): resolve deleted groups' findings, suppress kept ones, then the event. */
  async deletionEnded(result: DeletionResult, resultUri: string): Promise<FindingsOutcome[]> {
    const outcomes: FindingsOutcome[] = [];
    if (this.options.findings !== 'off') {
      try {
        outcomes.push(...(await this.deletionFindings(result)));
      } catch (error) {
        this.options.logger.warn('could not write Security Hub findings', { error: toScanError(error) });
      }
    }
    await this.put([deletionEndedEvent(result, resultUri)]);
    return outcomes;
  }

  private async deletionFindings(result: DeletionResult): Promise<FindingsOutcome[]> {
    const outcomes: FindingsOutcome[] = [];
    const hubAccount = this.options.hubAccount ? await this.options.hubAccount() : result.accountId;
    const plan = planDeletionFindings(result, hubAccount);
    const regions = [...new Set([...plan.resolved, ...plan.suppressed].map((r) => r.region))];
    for (const region of regions) {
      outcomes.push(
        await this.inRegion(region, async (hub, outcome) => {
          const resolved = plan.resolved.filter((r) => r.region === region);
          const suppressed = plan.suppressed.filter((r) => r.region === region);
          if (resolved.length > 0) {
            const ids = new Set(resolved.map((r) => r.Id));
            const active = (await this.activeFindings(hub, region, hubAccount)).filter((f) => ids.has(f.Id));
            await this.importAll(
              hub,
              active.map((f) => archivedFinding(f, `deleted by sg-auditor (audit ${result.auditId})`, this.now())),
            );
            outcome.resolved = await this.updateWorkflow(hub, resolved, 'RESOLVED');
          }
          if (suppressed.length > 0) outcome.suppressed = await this.updateWorkflow(hub, suppressed, 'SUPPRESSED');
        }),
      );
    }
    return outcomes;
  }

  private async inRegion(region: string, work: (hub: SecurityHubClient, outcome: FindingsOutcome) => Promise<void>): Promise<FindingsOutcome> {
    const outcome: FindingsOutcome = { region, status: 'written', imported: 0, archived: 0, resolved: 0, suppressed: 0 };
    const hub = this.options.factory.forRegion(region).get(SecurityHubClient);
    try {
      await hub.send(new DescribeHubCommand({}));
    } catch (error) {
      if (hubNotEnabled(error) && this.options.findings === 'auto') {
        this.options.logger.info('Security Hub not enabled; no findings', { region });
        return { ...outcome, status: 'hub-not-enabled' };
      }
      return this.failed(outcome, error);
    }
    try {
      await work(hub, outcome);
      this.options.logger.info('Security Hub findings written', { ...outcome });
      return outcome;
    } catch (error) {
      return this.failed(outcome, error);
    }
  }

  private failed(outcome: FindingsOutcome, error: unknown): FindingsOutcome {
    const scanError = toScanError(error);
    this.options.logger.warn('could not write Security Hub findings', { region: outcome.region, error: scanError });
    return { ...outcome, status: 'failed', error: `${scanError.code}: ${scanError.message}` };
  }

  /** The account's active findings of this generator in the region (one paginated listing, filtered again here). */
  private async activeFindings(hub: SecurityHubClient, region: string, accountId: string): Promise<Finding[]> {
    const product = productArn(region, accountId);
    const filters: AwsSecurityFindingFilters = {
      ProductArn: [{ Value: product, Comparison: 'EQUALS' }],
      GeneratorId: [{ Value: FINDING_GENERATOR_ID, Comparison: 'EQUALS' }],
      AwsAccountId: [{ Value: accountId, Comparison: 'EQUALS' }],
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
    };
    const out: Finding[] = [];
    for await (const page of paginateGetFindings({ client: hub, pageSize: 100 }, { Filters: filters, MaxResults: 100 })) {
      for (const f of page.Findings ?? []) {
        if (f.ProductArn === product && f.GeneratorId === FINDING_GENERATOR_ID && f.AwsAccountId === accountId && (f.RecordState ?? 'ACTIVE') === 'ACTIVE') {
          out.push(f as unknown as Finding);
        }
      }
    }
    return out;
  }

  private async importAll(hub: SecurityHubClient, findings: readonly Finding[]): Promise<number> {
    let imported = 0;
    for (const batch of chunks(findings)) {
      const out = await hub.send(new BatchImportFindingsCommand({ Findings: batch as unknown as AwsSecurityFinding[] }));
      if ((out.FailedCount ?? 0) > 0) {
        const first = out.FailedFindings?.[0];
        throw Object.assign(new Error(`${out.FailedCount} findings were not imported (${first?.Id}: ${first?.ErrorCode} ${first?.ErrorMessage})`), { name: 'FindingsNotImported' });
      }
      imported += out.SuccessCount ?? batch.length;
    }
    return imported;
  }

  private async updateWorkflow(hub: SecurityHubClient, refs: ReadonlyArray<{ Id: string; ProductArn: string; note: string }>, status: 'RESOLVED' | 'SUPPRESSED'): Promise<number> {
    let updated = 0;
    // One request per distinct note: BatchUpdateFindings sets one Note for every finding it names.
    const byNote = new Map<string, Array<{ Id: string; ProductArn: string }>>();
    for (const r of refs) byNote.set(r.note, [...(byNote.get(r.note) ?? []), { Id: r.Id, ProductArn: r.ProductArn }]);
    for (const [note, ids] of byNote) {
      for (const batch of chunks(ids)) {
        const out = await hub.send(
          new BatchUpdateFindingsCommand({ FindingIdentifiers: batch, Workflow: { Status: status }, Note: { Text: note, UpdatedBy: 'sg-auditor' } }),
        );
        updated += out.ProcessedFindings?.length ?? batch.length;
      }
    }
    return updated;
  }

  /** PutEvents on the home region's default bus, 10 entries a request; a failure is logged, never thrown. */
  private async put(events: readonly IntegrationEvent[]): Promise<void> {
    if (!this.options.events || events.length === 0) return;
    const bus = this.options.factory.forRegion(this.options.homeRegion).get(EventBridgeClient);
    try {
      for (const batch of chunks(events, EVENTS_PER_REQUEST)) {
        const entries: PutEventsRequestEntry[] = batch.map((e) => ({ Source: EVENT_SOURCE, DetailType: e.detailType, Detail: JSON.stringify(e.detail), Resources: e.resources }));
        const out = await bus.send(new PutEventsCommand({ Entries: entries }));
        if ((out.FailedEntryCount ?? 0) > 0) {
          const failed = out.Entries?.find((e) => e.ErrorCode);
          this.options.logger.warn('EventBridge rejected events', { failed: out.FailedEntryCount, code: failed?.ErrorCode, message: failed?.ErrorMessage });
        }
      }
    } catch (error) {
      this.options.logger.warn('could not put events on the default bus', { error: toScanError(error) });
    }
  }
}
