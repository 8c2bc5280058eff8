/**
 * Where sg-auditor's CloudWatch metrics land. Powertools adds the `service` dimension to every
 * metric, so the dashboard must name the same service values the Lambdas pass.
 */
export const METRICS_NAMESPACE = 'SgAuditor';
/** The `service` dimension of the audit's metrics (per region, with `Region`, and per audit). */
export const AUDIT_METRICS_SERVICE = 'sg-auditor-audit';
/** The `service` dimension of the deletion workflow's metrics (one set per deletion). */
export const DELETION_METRICS_SERVICE = 'sg-auditor-deletion';
/** The `service` dimension of the approval front's metrics. */
export const APPROVE_METRICS_SERVICE = 'sg-auditor-approve';
/**
 * Counted by the approval front for each request that ended in an unexpected error (its 500
 * page): the front answers every request, so its Lambda `Errors` metric never counts those.
 */
export const FRONT_ERRORS_METRIC = 'FrontErrors';
