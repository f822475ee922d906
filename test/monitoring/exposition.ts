/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), for tests:
 * throws on anything a Prometheus server or node_exporter's textfile collector would reject or
 * silently misread, and returns every sample by its series.
 */
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export interface Exposition {
  types: Map<string, string>;
  /** `name{a="x",b="y"}` (labels sorted) → value */
  samples: Map<string, number>;
  value(name: string, labels?: Record<string, string>): number | undefined;
}

function key(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

function parseLabels(text: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without "="`);
    const name = text.slice(i, eq).trim();
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`line ${line}: bad label name "${name}"`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let j = eq + 2;
    let value = '';
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
      } else value += text[j];
    }
    if (text[j] !== '"') throw new Error(`line ${line}: unterminated label value`);
    if (name in out) throw new Error(`line ${line}: label ${name} twice`);
    out[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) throw new Error(`line ${line}: expected "," between labels`);
  }
  return out;
}

function family(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return types.get(base) === 'histogram' || types.get(base) === 'summary' ? base : undefined;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the text does not end with a newline');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples = new Map<string, number>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, index) => {
    const n = index + 1;
    if (raw === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(raw);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name ${name}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type ${rest}`);
        if (types.has(name)) throw new Error(`line ${n}: second TYPE for ${name}`);
        if ([...samples.keys()].some((k) => k.split('{')[0] === name))
          throw new Error(`line ${n}: TYPE of ${name} after its samples`);
        types.set(name, rest);
      } else {
        if (helps.has(name)) throw new Error(`line ${n}: second HELP for ${name}`);
        helps.add(name);
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(raw);
    if (!m) throw new Error(`line ${n}: not a sample: ${raw}`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    if (!family(name, types)) throw new Error(`line ${n}: sample of ${name} without a TYPE line`);
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (valueText !== 'NaN' && Number.isNaN(value)) throw new Error(`line ${n}: bad value ${valueText}`);
    const id = key(name, labelText ? parseLabels(labelText, n) : {});
    if (samples.has(id)) throw new Error(`line ${n}: series ${id} twice`);
    samples.set(id, value);
  });
  // Histograms: cumulative buckets ending at +Inf, which equals _count.
  for (const [name, type] of types) {
    if (type !== 'histogram') continue;
    for (const [id, count] of samples) {
      if (!id.startsWith(`${name}_count`)) continue;
      const labels = id.slice(`${name}_count`.length);
      const inf = key(`${name}_bucket`, {
        ...(labels ? parseLabels(labels.slice(1, -1), 0) : {}),
        le: '+Inf',
      });
      if (samples.get(inf) !== count)
        throw new Error(`${name}: +Inf bucket differs from _count for ${labels}`);
    }
  }
  return {
    types,
    samples,
    value: (name, labels = {}) => samples.get(key(name, labels)),
  };
}
