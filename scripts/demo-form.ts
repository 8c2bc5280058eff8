/**
 * Reads the review page's form the way a browser submits it, so `npm run demo -- --ci` posts
 * exactly what a person's click would: the form's action and method, its hidden fields, the
 * checked checkboxes and the textareas, with nothing hard-coded about their names.
 */

export interface SubmittedForm {
  method: string;
  /** The absolute URL the form posts to. */
  action: string;
  fields: URLSearchParams;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** Decodes the entities escapeHtml produces (plus numeric ones). */
export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (ENTITIES[name] !== undefined) return ENTITIES[name];
    if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return whole;
  });
}

/** The attributes of one start tag; a bare attribute (`checked`) maps to ''. */
export function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const inner = tag.replace(/^<\s*[\w-]+/, '').replace(/\/?>$/, '');
  for (const m of inner.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

/**
 * The first form of `html` as its default submission would send it, or undefined when the
 * page has no form.
 */
export function readForm(html: string, pageUrl: string): SubmittedForm | undefined {
  const open = /<form\b[^>]*>/i.exec(html);
  if (!open) return undefined;
  const end = html.indexOf('</form>', open.index);
  const body = html.slice(open.index + open[0].length, end < 0 ? undefined : end);
  const formAttrs = attributes(open[0]);
  const fields = new URLSearchParams();
  // Inputs and textareas in document order, as a browser serializes them.
  for (const m of body.matchAll(/<input\b[^>]*>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
    const tag = m[0];
    if (/^<textarea/i.test(tag)) {
      const attrs = attributes(`<textarea${m[1] ?? ''}>`);
      const name = attrs.get('name');
      if (name && !attrs.has('disabled')) fields.append(name, decodeEntities(m[2] ?? ''));
      continue;
    }
    const attrs = attributes(tag);
    const name = attrs.get('name');
    const type = (attrs.get('type') ?? 'text').toLowerCase();
    if (!name || attrs.has('disabled') || ['submit', 'button', 'reset', 'image', 'file'].includes(type)) continue;
    if ((type === 'checkbox' || type === 'radio') && !attrs.has('checked')) continue;
    fields.append(name, attrs.get('value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  return {
    method: (formAttrs.get('method') ?? 'get').toUpperCase(),
    action: new URL(formAttrs.get('action') ?? '', pageUrl).toString(),
    fields,
  };
}
