/**
 * The audit Lambda's memory, chosen with `npm run bench -- --model` (README, "Latency and
 * throttle model"): the peak RSS of 17 regions x 10k groups at today's concurrency defaults must
 * stay under 75% of it. Lambda's CPU grows with memory too (one vCPU at 1,769 MB).
 */
export const AUDIT_MEMORY_MB = 1024;
