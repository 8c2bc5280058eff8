/**
 * The coverage ledger (DESIGN.md, "Coverage ledger"): every place that can hold a security group,
 * each either read by a usage source or named with the reason it is not. The ledger itself is a
 * reviewed data file beside the scanners (lambda/aws/scanners/coverage-ledger.json); this module
 * holds the pure functions over it: the walk that finds every CloudFormation type with a property
 * that holds a group (fed AWS's resource model, @aws-cdk/aws-service-spec, in tests only: the
 * spec is never needed at run time), the checks that hold the ledger to that list and to the
 * scanners' `covers`, and the figure the docs, report, email and page state.
 */

/** The security group's CloudFormation type, as relationshipRefs name it. */
export const SECURITY_GROUP_TYPE = 'AWS::EC2::SecurityGroup';

/** A property's name that says it holds a group (`SecurityGroupIds`, `VpcSecurityGroups`, `SecurityGroupArns`, ...). */
const GROUP_PROPERTY_NAME = /securitygroup/i;

/** Where the not-scanned list lives (docs/coverage.md, its "Places not scanned" section), relative to the repository. */
export const COVERAGE_LIST_URL = 'docs/coverage.md#places-not-scanned';

/** The shape of a property type in the service spec (@aws-cdk/service-spec-types PropertyType), as far as the walk reads it. */
export interface SpecPropertyType {
  type: string;
  reference?: { $ref: string };
  element?: SpecPropertyType;
  types?: readonly SpecPropertyType[];
}

/** A property of a resource or of a nested type definition, as far as the walk reads it. */
export interface SpecProperty {
  type?: SpecPropertyType;
  previousTypes?: readonly SpecPropertyType[];
  relationshipRefs?: readonly { cloudFormationType: string }[];
}

export interface SpecResource {
  cloudFormationType: string;
  properties: Readonly<Record<string, SpecProperty>>;
}

export interface SpecTypeDefinition {
  $id: string;
  properties: Readonly<Record<string, SpecProperty>>;
}

/** The resource model the walk reads: every resource type, and the nested type definitions properties refer to. */
export interface ResourceSpec {
  resources: Iterable<SpecResource>;
  typeDefinition(id: string): SpecTypeDefinition | undefined;
}

/**
 * Every CloudFormation type with a property, at any depth (nested type definitions, arrays, maps,
 * unions and previous types included), that holds a security group: its relationshipRefs name
 * AWS::EC2::SecurityGroup, or its name says security group. Returns type -> the property paths
 * (`VpcConfig.SecurityGroupIds`, `Targets[].EcsParameters...`), sorted by type.
 */
export function groupHoldingTypes(spec: ResourceSpec): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  const visit = (type: string, properties: Readonly<Record<string, SpecProperty>>, path: string, open: Set<string>): void => {
    for (const [name, property] of Object.entries(properties)) {
      const here = path ? `${path}.${name}` : name;
      const referenced = (property.relationshipRefs ?? []).some((ref) => ref.cloudFormationType === SECURITY_GROUP_TYPE);
      if (referenced || GROUP_PROPERTY_NAME.test(name)) {
        const paths = found.get(type) ?? new Set<string>();
        found.set(type, paths.add(here));
      }
      for (const t of [property.type, ...(property.previousTypes ?? [])]) walk(type, t, here, open);
    }
  };
  const walk = (type: string, t: SpecPropertyType | undefined, here: string, open: Set<string>): void => {
    if (!t) return;
    if (t.type === 'ref' && t.reference) {
      const definition = spec.typeDefinition(t.reference.$ref);
      // A recursive definition (a rule of rules) is walked once per path.
      if (!definition || open.has(definition.$id)) return;
      open.add(definition.$id);
      visit(type, definition.properties, here, open);
      open.delete(definition.$id);
    } else if ((t.type === 'array' || t.type === 'map') && t.element) {
      walk(type, t.element, `${here}[]`, open);
    } else if (t.type === 'union') {
      for (const member of t.types ?? []) walk(type, member, here, open);
    }
  };
  for (const resource of spec.resources) visit(resource.cloudFormationType, resource.properties, '', new Set());
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)).map(([type, paths]) => [type, [...paths]]));
}

/** One ledger entry: what reads the place, or why nothing does. */
export type LedgerEntry =
  | { source: string }
  | { interfaces: string; doc: string }
  | { 'not-a-usage': string }
  | { 'not-scanned': string };

export type LedgerKind = 'source' | 'interfaces' | 'not-a-usage' | 'not-scanned';

/** Keys: CloudFormation types (`AWS::Kendra::DataSource`) and places that are not types (`place:peered-references`). */
export type CoverageLedger = Readonly<Record<string, LedgerEntry>>;

/** What the ledger checks need of a scanner (lambda/aws/scanners/types.ts Scanner). */
export interface CoveringScanner {
  source: string;
  covers?: readonly string[];
}

const KEY = /^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|place:[a-z0-9]+(-[a-z0-9]+)*)$/;
const KINDS: readonly LedgerKind[] = ['source', 'interfaces', 'not-a-usage', 'not-scanned'];

/** The kind of a well-formed entry. */
export function ledgerKind(entry: LedgerEntry): LedgerKind {
  return KINDS.find((kind) => kind in entry) ?? 'not-scanned';
}

/** What is wrong with one entry's shape (empty when nothing). */
function entryProblems(key: string, entry: unknown): string[] {
  if (!KEY.test(key)) return [`${key}: not a CloudFormation type (AWS::Service::Resource) or a place:<name> id`];
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [`${key}: the entry must be an object`];
  const fields = Object.keys(entry);
  const kinds = KINDS.filter((kind) => fields.includes(kind));
  if (kinds.length !== 1) return [`${key}: the entry must have exactly one of ${KINDS.join(', ')} (has ${fields.join(', ') || 'none'})`];
  const kind = kinds[0] as LedgerKind;
  const allowed = kind === 'interfaces' ? ['interfaces', 'doc'] : [kind];
  const extra = fields.filter((f) => !allowed.includes(f));
  if (extra.length > 0) return [`${key}: unexpected field ${extra.join(', ')}`];
  const record = entry as Record<string, unknown>;
  const text = record[kind];
  if (typeof text !== 'string' || text.trim().length === 0) return [`${key}: ${kind} must be a non-empty string`];
  if (kind === 'interfaces') {
    const problems: string[] = [];
    if (!/^[A-Z].*\.$/s.test(text.trim()) || text.trim().split(/\s+/).length < 6) problems.push(`${key}: interfaces must be one sentence saying why the group is held only while a network interface exists`);
    const doc = record.doc;
    if (typeof doc !== 'string' || !/^https:\/\/docs\.aws\.amazon\.com\/\S+$/.test(doc)) problems.push(`${key}: interfaces needs a doc link (https://docs.aws.amazon.com/...)`);
    return problems;
  }
  return [];
}

/**
 * Reads ledger JSON, throwing with every problem of shape found (a key that is neither a type nor
 * a place id, an entry without exactly one kind, an `interfaces` entry without its sentence or
 * documentation link).
 */
export function parseLedger(data: unknown): CoverageLedger {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('the coverage ledger must be a JSON object');
  const problems = Object.entries(data).flatMap(([key, entry]) => entryProblems(key, entry));
  if (problems.length > 0) throw new Error(`the coverage ledger is malformed:\n${problems.join('\n')}`);
  return data as CoverageLedger;
}

/**
 * Every way the ledger disagrees with the installed resource model and the scanners (empty when it
 * agrees): a group-holding type it lacks, a type it lists that holds no group any more, an entry of
 * the wrong shape, a `source` that names no scanner or a scanner that does not declare the place
 * in `covers`, and a scanner that declares a place the ledger gives to another source or lacks.
 */
export function ledgerProblems(ledger: CoverageLedger, holding: ReadonlyMap<string, readonly string[]>, scanners: readonly CoveringScanner[]): string[] {
  const problems: string[] = [];
  for (const [type, paths] of holding) {
    if (!(type in ledger)) problems.push(`${type} holds a security group (${paths.join(', ')}) but the coverage ledger has no entry for it`);
  }
  for (const [key, entry] of Object.entries(ledger)) {
    const shape = entryProblems(key, entry);
    problems.push(...shape);
    if (shape.length > 0) continue;
    if (key.startsWith('AWS::') && !holding.has(key)) problems.push(`${key} is in the coverage ledger but no property of it holds a security group in the installed spec`);
    if ('source' in entry) {
      const scanner = scanners.find((s) => s.source === entry.source);
      if (!scanner) problems.push(`${key}: source ${entry.source} is not a scanner`);
      else if (!(scanner.covers ?? []).includes(key)) problems.push(`${key}: source ${entry.source} does not declare ${key} in its covers`);
    }
  }
  for (const scanner of scanners) {
    for (const key of scanner.covers ?? []) {
      const entry = ledger[key];
      if (!entry) problems.push(`${scanner.source} covers ${key}, which the coverage ledger lacks`);
      else if (!('source' in entry)) problems.push(`${scanner.source} covers ${key}, which the coverage ledger marks ${ledgerKind(entry)}`);
      else if (entry.source !== scanner.source) problems.push(`${scanner.source} covers ${key}, which the coverage ledger gives to ${entry.source}`);
    }
  }
  return problems;
}

/** The ledger's figure: places scanned by a source, held only while an interface exists, not scanned, and not a usage. */
export interface CoverageFigure {
  scanned: number;
  interfaces: number;
  notScanned: number;
  notAUsage: number;
}

export function coverageFigure(ledger: CoverageLedger): CoverageFigure {
  const figure: CoverageFigure = { scanned: 0, interfaces: 0, notScanned: 0, notAUsage: 0 };
  for (const entry of Object.values(ledger)) {
    const kind = ledgerKind(entry);
    if (kind === 'source') figure.scanned += 1;
    else if (kind === 'interfaces') figure.interfaces += 1;
    else if (kind === 'not-scanned') figure.notScanned += 1;
    else figure.notAUsage += 1;
  }
  return figure;
}

/** The places not scanned, with why, sorted by key. */
export function notScannedPlaces(ledger: CoverageLedger): { key: string; why: string }[] {
  return Object.entries(ledger)
    .flatMap(([key, entry]) => ('not-scanned' in entry ? [{ key, why: entry['not-scanned'] }] : []))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The figure as the docs, report, email and page state it. */
export function coverageSentence(figure: Pick<CoverageFigure, 'scanned' | 'interfaces' | 'notScanned'>): string {
  return `${figure.scanned} types and places scanned, ${figure.interfaces} through network interfaces, ${figure.notScanned} not scanned`;
}

/**
 * What the log, the email and the page say about the places not scanned: the count, why it
 * matters, and where the list is (`coverage` as the report carries it).
 */
export function notScannedNotice(coverage: { scanned: number; interfaces: number; notScanned: number; listUrl: string }): string {
  const places = coverage.notScanned === 1 ? 'place' : 'places';
  return (
    `${coverage.notScanned} ${places} that can hold a security group ${coverage.notScanned === 1 ? 'is' : 'are'} not scanned: ` +
    `a group used only there looks unused (list: ${coverage.listUrl}; ${coverage.scanned} scanned, ${coverage.interfaces} through network interfaces)`
  );
}
