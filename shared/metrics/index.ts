export { DIMENSION_NAMES, type DimensionName, type Dimensions, METRICS, type MetricName, type MetricUnit, NAMESPACE } from './names';
export { boundDimensions, type EmfDocument, type MetricsOptions, MetricsRecorder, OTHER } from './recorder';
export { countMetric, IntervalMetrics, withMetrics } from './scope';
