import type { Measurement } from './measure';

/** One size's measurement, as the parent process collects it. */
export interface SizeRun {
  groups: number;
  /** Time to load the audit, the registry and its SDK clients in a fresh process. */
  loadMs: number;
  m: Measurement;
}

/** Calls a source made beyond the full pages of the populated listings: must not grow with groups. */
export function callsBeyondPages(m: Measurement, label: string): number {
  return (m.bySource[label] ?? 0) - (m.pages[label]?.fullPages ?? 0);
}

export const TARGET_GROUPS = 10_000;
export const TARGET_WALL_MS = 5_000;
export const TARGET_RSS_BYTES = 512 * 1024 * 1024;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const count = (n: number): string => n.toLocaleString('en-US');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function summary(runs: SizeRun[]): string {
  return table(
    ['groups', 'API calls', 'call-per-group design', 'audit wall time', 'CPU time', 'of which mocks', 'load time', 'RSS before', 'peak RSS', 'peak heap', 'heap kept by report', 'in-use', 'candidate', 'protected', 'unknown'],
    runs.map(({ groups, loadMs, m }) => [
      count(groups),
      count(m.apiCalls),
      `${count(groups * m.callingScanners)} (${count(groups)} x ${m.callingScanners})`,
      secs(m.wallMs),
      secs(m.cpuMs),
      secs(m.mockMs),
      secs(loadMs),
      mb(m.baseRss),
      mb(m.peakRss),
      mb(m.peakHeap),
      m.gcExposed ? mb(m.retainedHeap) : 'n/a',
      count(m.totals.inUse),
      count(m.totals.candidates),
      count(m.totals.protected),
      count(m.totals.unknown),
    ]),
  );
}

function shapes(runs: SizeRun[]): string {
  return table(
    ['groups', 'VPCs', 'rules', 'ENIs', 'instances', 'launch templates', 'ALBs', 'classic ELBs', 'RDS instances', 'Lambda functions'],
    runs.map(({ m: { shape: s } }) =>
      [s.groups, s.vpcs, s.rules, s.networkInterfaces, s.instances, s.launchTemplates, s.loadBalancers, s.classicLoadBalancers, s.dbInstances, s.functions].map(count),
    ),
  );
}

interface SourceGrowth {
  label: string;
  calls: number[];
  beyond: number[];
  flat: boolean;
  notes: string[];
}

function growth(runs: SizeRun[]): SourceGrowth[] {
  const labels = [...new Set(runs.flatMap(({ m }) => [...Object.keys(m.bySource), ...Object.keys(m.pages)]))];
  return labels.map((label) => {
    const beyond = runs.map(({ m }) => callsBeyondPages(m, label));
    const misuse = [...new Set(runs.flatMap(({ m }) => [...(m.pages[label]?.smallPages ?? []), ...(m.pages[label]?.perResource ?? [])]))];
    const flat = beyond.every((b) => b === beyond[0]) && misuse.length === 0;
    return { label, calls: runs.map(({ m }) => m.bySource[label] ?? 0), beyond, flat, notes: flat ? [] : [...misuse, ...grownCommands(runs, label)] };
  });
}

/** "ListServiceNetworkVpcAssociations 1 -> 4 -> 20": the commands whose call count changed with size. */
function grownCommands(runs: SizeRun[], label: string): string[] {
  const names = [...new Set(runs.flatMap(({ m }) => Object.keys(m.pages[label]?.commands ?? {})))].sort();
  return names
    .map((name) => ({ name, counts: runs.map(({ m }) => m.pages[label]?.commands[name] ?? 0) }))
    .filter(({ counts }) => counts.some((c) => c !== counts[0]))
    .map(({ name, counts }) => `${name} ${counts.join(' -> ')}`);
}

function perSource(runs: SizeRun[], rows: SourceGrowth[]): string {
  const sizes = runs.map((r) => count(r.groups));
  return table(
    ['source', ...sizes.map((s) => `calls @${s}`), ...sizes.map((s) => `beyond pages @${s}`), 'grows only by pages'],
    rows.map((g) => [g.label, ...g.calls.map(count), ...g.beyond.map(count), g.flat ? 'yes' : 'NO']),
  );
}

/** The bench's printed report and whether every target was met. */
export function formatReport(runs: SizeRun[]): { text: string; ok: boolean } {
  const rows = growth(runs);
  const checks: Array<{ ok: boolean | undefined; text: string }> = [];
  const growing = rows.filter((g) => !g.flat);
  checks.push({
    ok: runs.length < 2 ? undefined : growing.length === 0,
    text:
      growing.length === 0
        ? `API calls do not grow with the group count except for listing pages (${runs.map((r) => count(r.m.apiCalls)).join(' / ')} calls)`
        : `API calls grow beyond listing pages in: ${growing.map((g) => `${g.label} (${g.beyond.join(' -> ')} calls beyond pages${g.notes.length ? `; ${g.notes.join('; ')}` : ''})`).join(', ')}`,
  });
  const uncounted = runs.filter(({ m }) => Object.values(m.pages).reduce((n, p) => n + Object.values(p.commands).reduce((a, b) => a + b, 0), 0) !== m.apiCalls);
  const failures = [...new Set([...runs.flatMap((r) => r.m.failures), ...uncounted.map((r) => `${count(r.groups)} groups: the mocks saw a different number of calls than the audit counted`)])];
  checks.push({
    ok: failures.length === 0,
    text: failures.length === 0 ? 'every scan succeeded (the numbers are real work)' : `scans FAILED, numbers are not meaningful: ${failures.join(', ')}`,
  });
  const repeated = [...new Set(runs.flatMap((r) => r.m.repeated))];
  checks.push({
    ok: repeated.length === 0,
    text: repeated.length === 0 ? 'no listing fetched twice in the region (every request sent once)' : `requests sent more than once in the region: ${repeated.join('; ')}`,
  });
  const ssm = Math.max(0, ...runs.map((r) => r.m.ssmCalls));
  checks.push({ ok: ssm <= 1, text: `${ssm} SSM service-list requests in the region (at most 1)` });
  const target = runs.find((r) => r.groups === TARGET_GROUPS);
  checks.push({
    ok: target ? target.m.wallMs < TARGET_WALL_MS : undefined,
    text: target ? `${count(TARGET_GROUPS)} groups audited in ${secs(target.m.wallMs)} (target < ${secs(TARGET_WALL_MS)})` : `${count(TARGET_GROUPS)} groups not measured`,
  });
  checks.push({
    ok: target ? target.m.peakRss < TARGET_RSS_BYTES : undefined,
    text: target
      ? `${count(TARGET_GROUPS)} groups peak RSS ${mb(target.m.peakRss)}, heap ${mb(target.m.peakHeap)} (target < ${mb(TARGET_RSS_BYTES)})`
      : `${count(TARGET_GROUPS)} groups memory not measured`,
  });
  const largest = runs.reduce<SizeRun | undefined>((a, r) => (!a || r.groups > a.groups ? r : a), undefined);
  const mark = (ok: boolean | undefined): string => (ok === undefined ? 'n/a ' : ok ? 'PASS' : 'FAIL');
  const gcNote = runs.some((r) => !r.m.gcExposed) ? '\n(node ran without --expose-gc: baselines include garbage)' : '';
  const text = [
    `sg-auditor bench: one region, ${runs[0]?.m.callingScanners ?? 0} scanners making calls, mocked SDK with real page sizes; each size in a fresh process`,
    '',
    'Synthetic accounts',
    shapes(runs),
    '',
    'Audit cost',
    summary(runs),
    '',
    'API calls per source ("beyond pages" = calls minus the fewest pages the populated listings allow; must not grow)',
    perSource(runs, rows),
    '',
    'Targets',
    ...checks.map((c) => `  ${mark(c.ok)}  ${c.text}`),
    largest ? `  info  ${count(largest.groups)} groups cost ${count(largest.m.apiCalls)} API calls, ${secs(largest.m.wallMs)}, peak RSS ${mb(largest.m.peakRss)}, peak heap ${mb(largest.m.peakHeap)}` : '',
    `Wall time excludes network latency (mocked SDK); load time is a fresh process importing the audit and its SDK clients.${gcNote}`,
    '',
  ].join('\n');
  return { text, ok: checks.every((c) => c.ok !== false) };
}
