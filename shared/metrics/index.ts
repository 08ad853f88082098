export { DIMENSION_NAMES, METRICS, NAMESPACE, type DimensionName, type Dimensions, type MetricName, type MetricUnit } from './names';
export { boundDimensions, MetricsRecorder, OTHER, type EmfDocument, type MetricsOptions } from './recorder';
export { countMetric, withMetrics } from './scope';
