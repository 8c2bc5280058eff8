/**
 * Reads the synthesized CloudWatch dashboard body back out of the template, lists the metrics it
 * graphs, and draws a layout sketch of it (docs/dashboard.svg, written by dashboard-sketch.ts).
 */

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export interface DashboardWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title?: string; markdown?: string; stacked?: boolean; metrics?: unknown[][] };
}

export interface DashboardBody {
  start?: string;
  widgets: DashboardWidget[];
}

/** One metric of one widget, as CloudWatch will look it up. */
export interface DashboardMetric {
  widget: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  label: string;
  stat: string;
  axis: 'left' | 'right';
}

/** Placeholders for the pseudo parameters the body refers to (the region). */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (object.Ref) return `<${object.Ref.replace(/^AWS::/, '').toLowerCase()}>`;
  if (object['Fn::Join']) {
    const [separator, parts] = object['Fn::Join'];
    return parts.map(resolve).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} in the dashboard body`);
}

/** The one dashboard's body, parsed, with `Ref`s as `<region>`-style placeholders. */
export function dashboardBody(resources: Resources): DashboardBody {
  const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  if (dashboards.length !== 1) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  return JSON.parse(resolve(dashboards[0]?.Properties?.DashboardBody)) as DashboardBody;
}

/** Every metric of every graph, with CloudWatch's "." (same as the row above) expanded. */
export function dashboardMetrics(body: DashboardBody): DashboardMetric[] {
  const found: DashboardMetric[] = [];
  for (const widget of body.widgets) {
    let previous: unknown[] = [];
    for (const row of widget.properties.metrics ?? []) {
      const last = row[row.length - 1];
      const options = (typeof last === 'object' && last !== null ? last : {}) as { label?: string; stat?: string; yAxis?: string };
      const fields = (typeof last === 'object' ? row.slice(0, -1) : row).map((f, i) => (f === '.' ? previous[i] : f)) as string[];
      previous = fields;
      const [namespace = '', name = '', ...pairs] = fields;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
      found.push({
        widget: widget.properties.title ?? '',
        namespace,
        name,
        dimensions,
        label: options.label ?? name,
        stat: options.stat ?? 'Average',
        axis: options.yAxis === 'right' ? 'right' : 'left',
      });
    }
  }
  return found;
}

const COLUMN = 40;
const ROW = 32;
const MARGIN = 8;
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Splits text into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * An SVG sketch of the dashboard's layout: each widget where CloudWatch places it (24-column
 * grid), its title, an empty plot area (no data is invented) and its legend: each metric's label,
 * name, statistic and axis.
 */
export function renderDashboardSketch(body: DashboardBody, name: string): string {
  const metrics = dashboardMetrics(body);
  const width = 24 * COLUMN;
  const height = Math.max(...body.widgets.map((w) => w.y + w.height)) * ROW + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#f2f3f3"/>`,
    `<text x="${MARGIN}" y="24" font-size="15" font-weight="bold" fill="#16191f">CloudWatch dashboard ${xml(name)} (layout sketch from the synthesized body; default range ${xml(body.start ?? '')})</text>`,
  ];
  for (const widget of body.widgets) {
    const x = widget.x * COLUMN + MARGIN / 2;
    const y = widget.y * ROW + 36;
    const w = widget.width * COLUMN - MARGIN;
    const h = widget.height * ROW - MARGIN;
    out.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="#ffffff" stroke="#d5dbdb"/>`);
    if (widget.type === 'text') {
      const text = (widget.properties.markdown ?? '').replace(/^#+\s*/gm, '').replace(/`/g, '');
      const lines = text.split('\n').flatMap((l) => wrap(l, Math.floor(w / 6.5)));
      lines.forEach((line, i) => out.push(`<text x="${x + 10}" y="${y + 20 + i * 16}" font-size="${i === 0 ? 14 : 12}" fill="#16191f"${i === 0 ? ' font-weight="bold"' : ''}>${xml(line)}</text>`));
      continue;
    }
    const title = widget.properties.title ?? '';
    out.push(`<text x="${x + 10}" y="${y + 20}" font-size="13" font-weight="bold" fill="#16191f">${xml(title)}${widget.properties.stacked ? ' (stacked)' : ''}</text>`);
    const own = metrics.filter((m) => m.widget === title);
    const legendTop = y + h - 15 * own.length;
    const plotTop = y + 30;
    out.push(`<line x1="${x + 40}" y1="${plotTop}" x2="${x + 40}" y2="${legendTop - 8}" stroke="#879596"/>`);
    out.push(`<line x1="${x + 40}" y1="${legendTop - 8}" x2="${x + w - 40}" y2="${legendTop - 8}" stroke="#879596"/>`);
    if (own.some((m) => m.axis === 'right')) out.push(`<line x1="${x + w - 40}" y1="${plotTop}" x2="${x + w - 40}" y2="${legendTop - 8}" stroke="#879596"/>`);
    own.forEach((m, i) => {
      const lx = x + 10;
      const ly = legendTop + i * 15;
      const colour = COLOURS[i % COLOURS.length] ?? '#000000';
      out.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${colour}"/>`);
      const axis = m.axis === 'right' ? ', right axis' : '';
      out.push(`<text x="${lx + 14}" y="${ly + 1}" font-size="11" fill="#16191f">${xml(`${m.label}: ${m.name} (${m.stat}${axis})`)}</text>`);
    });
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
