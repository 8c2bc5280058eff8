import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const AUDIT_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[a-z0-9]{6}$/;

/** An audit id that sorts by time and is safe in S3 keys: `2026-12-01T02-00-00Z-k3x9q2`. */
export function newAuditId(now: Date, random: Buffer = randomBytes(6)): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const suffix = [...random.subarray(0, 6)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${stamp}-${suffix}`;
}

export function isAuditId(value: string): boolean {
  return AUDIT_ID.test(value);
}
