/**
 * The audit Lambda's memory, chosen with `npm run bench -- --model` (README, "Latency and
 * throttle model"): 17 regions x 10k groups at today's concurrency peak at ~2.4 GB RSS, most of
 * it the report, log and backup rendered in memory at the end, and must stay under 85% of it.
 * 3,008 MB is assumed the most a new account's reduced memory quota allows. Lambda's CPU grows
 * with memory too (one vCPU at 1,769 MB).
 */
export const AUDIT_MEMORY_MB = 3008;
