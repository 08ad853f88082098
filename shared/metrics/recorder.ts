/**
 * Collects one invocation's (or one proxied request's) metrics and writes them as EMF lines at `flush()`:
 * values of the same metric and dimensions are summed, one line per dimension set.
 *
 * Dimensions are bounded here, whatever the caller passes: only the names of `DIMENSION_NAMES`, and values of
 * the shape their name allows (`Operation` and `Reason` are code words like `GetObject` or `AccessDenied`;
 * `Route` an API route key; `Stage` a stage name). Anything else is recorded as `Other`, so an id, a subject
 * or a key that slipped in can neither leak nor explode CloudWatch's metric count.
 *
 * Each line is a CloudWatch embedded metric format (EMF) document serialised by Powertools for AWS Lambda's
 * `Metrics`, used synchronously (dimensions and metrics in, `serializeMetrics()` out, cleared), with no default
 * `service` dimension; its warnings (a timestamp CloudWatch would skip…) are JSON lines of our logger. One
 * serialiser per writer and namespace serves the whole process. `POWERTOOLS_METRICS_DISABLED=true` (or
 * `POWERTOOLS_DEV`, as Powertools documents) turns the lines off.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { EmfOutput } from '@aws-lambda-powertools/metrics/types';
import { createLogger, writeLogLine } from '../log';
import { DIMENSION_NAMES, type DimensionName, type Dimensions, METRICS, type MetricName, NAMESPACE } from './names';

/** One EMF document: the dimension values and metric values as fields, described under `_aws`. */
export type EmfDocument = EmfOutput;

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

/** The dimensions as they will be written: known names only (in `DIMENSION_NAMES` order), values of their shape or `Other`. */
export function boundDimensions(dimensions: Record<string, string | undefined>): Dimensions {
  const out: Dimensions = {};
  for (const name of DIMENSION_NAMES) {
    const value = dimensions[name];
    if (value === undefined) continue;
    out[name] = SHAPES[name].test(value) ? value : OTHER;
  }
  return out;
}

/** Powertools' `Metrics` as a serialiser, saying whether Powertools' environment turns metrics off. */
class EmfSerializer extends Metrics {
  get off(): boolean {
    return this.isDisabled();
  }
}

const serializers = new WeakMap<(line: string) => void, Map<string, EmfSerializer>>();

/** The process's Powertools serialiser for this writer and namespace, its warnings written as our log lines. */
function serializerFor(write: (line: string) => void, namespace: string): EmfSerializer {
  let byNamespace = serializers.get(write);
  if (!byNamespace) {
    byNamespace = new Map();
    serializers.set(write, byNamespace);
  }
  let metrics = byNamespace.get(namespace);
  if (!metrics) {
    metrics = new EmfSerializer({ namespace, logger: createLogger({ component: 'metrics' }, { write }) });
    metrics.clearDefaultDimensions();
    byNamespace.set(namespace, metrics);
  }
  return metrics;
}

interface Group {
  dimensions: Dimensions;
  values: Map<MetricName, number>;
}

export class MetricsRecorder {
  private groups = new Map<string, Group>();
  private byGiven = new Map<string, Group>();
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
    // The call's dimensions as given (known names only: bounding ignores the others) find their group without
    // bounding them again: a process that aggregates many requests pays the bounding once per dimension set.
    const given = JSON.stringify(DIMENSION_NAMES.map((n) => dimensions[n]));
    let group = this.byGiven.get(given);
    if (!group) {
      // Bounded twice: the base's and the call's dimensions merged in `DIMENSION_NAMES` order, the document's.
      const bounded = boundDimensions({ ...this.base, ...boundDimensions(dimensions) });
      const key = JSON.stringify(DIMENSION_NAMES.map((n) => bounded[n] ?? null));
      group = this.groups.get(key);
      if (!group) {
        group = { dimensions: bounded, values: new Map() };
        this.groups.set(key, group);
      }
      this.byGiven.set(given, group);
    }
    group.values.set(name, (group.values.get(name) ?? 0) + value);
  }

  /** Writes what was recorded, one EMF line per dimension set, and forgets it. */
  flush(): void {
    const groups = [...this.groups.values()];
    this.groups = new Map();
    this.byGiven = new Map();
    if (groups.length === 0) return;
    const timestamp = this.now();
    const serializer = serializerFor(this.write, this.namespace);
    if (serializer.off) return;
    for (const { dimensions, values } of groups) {
      try {
        // One dimension set, even an empty one: `Dimensions: [[]]` publishes the metric with no dimension.
        serializer.setTimestamp(timestamp).addDimensions(dimensions as Record<string, string>);
        for (const [name, value] of values) serializer.addMetric(name, METRICS[name], value);
        this.write(JSON.stringify(serializer.serializeMetrics()));
      } catch {
        // Metrics never fail a request.
      } finally {
        serializer.clearMetrics();
        serializer.clearDimensions();
      }
    }
  }
}
