/**
 * CloudWatch embedded metric format: one JSON log line that CloudWatch Logs turns into metrics. The line names
 * its namespace, its dimension set and its metrics (name and unit) under `_aws`, and carries the dimension
 * values and the metric values as top-level fields.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export type MetricUnit = 'Count' | 'Bytes' | 'Milliseconds';

/** The only dimensions a metric may carry: each has few values (never a subject, volume id or key). */
export const DIMENSION_NAMES = ['Stage', 'Route', 'Operation', 'Reason'] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];
export type Dimensions = Partial<Record<DimensionName, string>>;

export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: DimensionName[][]; Metrics: Array<{ Name: string; Unit: MetricUnit }> }>;
  };
  [field: string]: unknown;
}

/** One EMF document: the dimension values and metric values as fields, described under `_aws`. */
export function emfDocument(
  namespace: string,
  timestamp: Date,
  dimensions: Dimensions,
  metrics: ReadonlyArray<{ name: string; unit: MetricUnit; value: number }>,
): EmfDocument {
  const names = DIMENSION_NAMES.filter((name) => dimensions[name] !== undefined);
  const doc: EmfDocument = {
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [names], Metrics: metrics.map(({ name, unit }) => ({ Name: name, Unit: unit })) }],
    },
  };
  for (const name of names) doc[name] = dimensions[name];
  for (const { name, value } of metrics) doc[name] = value;
  return doc;
}
