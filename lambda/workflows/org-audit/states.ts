/** State names of the org audit state machine (infra/org-audit-workflow.ts builds it with these). */
export const ORG_STATES = {
  plan: 'Plan',
  auditRegions: 'AuditRegions',
  auditItems: 'AuditItems',
  itemsFailed: 'ItemsFailed',
  assembleAccounts: 'AssembleAccounts',
  assembleAccount: 'AssembleAccount',
  accountNotAssembled: 'AccountNotAssembled',
  summarize: 'Summarize',
  reportFailure: 'ReportFailure',
  failed: 'Failed',
} as const;
