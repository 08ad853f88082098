/**
 * Collects one invocation's (or one proxied request's) metrics and writes them as EMF lines at `flush()`:
 * values of the same metric and dimensions are summed, one line per dimension set.
 *
 * Dimensions are bounded here, whatever the caller passes: only the names of `DIMENSION_NAMES`, and values of
 * the shape their name allows (`Operation` and `Reason` are code words like `GetObject` or `AccessDenied`;
 * `Route` an API route key; `Stage` a stage name). Anything else is recorded as `Other`, so an id, a subject
 * or a key that slipped in can neither leak nor explode CloudWatch's metric count.
 */
import { writeLogLine } from '../log';
import { DIMENSION_NAMES, emfDocument, type DimensionName, type Dimensions, type MetricUnit } from './emf';
import { METRICS, NAMESPACE, type MetricName } from './names';

export interface MetricsOptions {
  /** Dimensions every metric carries (`Stage`). */
  base?: Dimensions;
  /** Where EMF lines go: the process's log sink (stdout) by default. */
  write?: (line: string) => void;
  now?: () => Date;
  namespace?: string;
}

const SHAPES: Record<DimensionName, RegExp> = {
  Stage: /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/,
  Route: /^(?:(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/[A-Za-z0-9_/{}+.-]{0,120}|\$default)$/,
  Operation: /^[A-Za-z]{1,48}$/,
  Reason: /^[A-Za-z]{1,48}$/,
};

export const OTHER = 'Other';

/** The dimensions as they will be written: known names only, values of their shape or `Other`. */
export function boundDimensions(dimensions: Record<string, string | undefined>): Dimensions {
  const out: Dimensions = {};
  for (const name of DIMENSION_NAMES) {
    const value = dimensions[name];
    if (value === undefined) continue;
    out[name] = SHAPES[name].test(value) ? value : OTHER;
  }
  return out;
}

interface Group {
  dimensions: Dimensions;
  values: Map<MetricName, number>;
}

export class MetricsRecorder {
  private groups = new Map<string, Group>();
  private readonly base: Dimensions;
  private readonly write: (line: string) => void;
  private readonly now: () => Date;
  private readonly namespace: string;

  constructor(options: MetricsOptions = {}) {
    this.base = boundDimensions(options.base ?? {});
    this.write = options.write ?? writeLogLine;
    this.now = options.now ?? (() => new Date());
    this.namespace = options.namespace ?? NAMESPACE;
  }

  /** Adds `value` (1 by default) to the metric under these dimensions (and the base ones). */
  add(name: MetricName, dimensions: Dimensions = {}, value = 1): void {
    if (!Number.isFinite(value) || value < 0) return;
    const bounded = { ...this.base, ...boundDimensions(dimensions) };
    const key = JSON.stringify(DIMENSION_NAMES.map((n) => bounded[n] ?? null));
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { dimensions: bounded, values: new Map() }));
    group.values.set(name, (group.values.get(name) ?? 0) + value);
  }

  /** Writes what was recorded, one EMF line per dimension set, and forgets it. */
  flush(): void {
    const groups = [...this.groups.values()];
    this.groups = new Map();
    if (groups.length === 0) return;
    const timestamp = this.now();
    for (const { dimensions, values } of groups) {
      const metrics = [...values].map(([name, value]) => ({ name, unit: METRICS[name] as MetricUnit, value }));
      try {
        this.write(JSON.stringify(emfDocument(this.namespace, timestamp, dimensions, metrics)));
      } catch {
        // Metrics never fail a request.
      }
    }
  }
}
