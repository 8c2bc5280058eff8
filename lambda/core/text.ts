// Control, format (bidi overrides, zero-width) and line/paragraph separator characters: in text
// anyone can write (group names, tags, descriptions, evidence), they could break lines, hide text
// or reorder what a reviewer reads.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/** Untrusted text made safe for one line of plain text (logs, emails, the terminal). */
export function plainText(value: string): string {
  return value.replace(UNSAFE, ' ');
}
