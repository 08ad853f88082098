export { DIMENSION_NAMES, emfDocument, type DimensionName, type Dimensions, type EmfDocument, type MetricUnit } from './emf';
export { METRICS, NAMESPACE, type MetricName } from './names';
export { boundDimensions, MetricsRecorder, OTHER, type MetricsOptions } from './recorder';
export { countMetric, withMetrics } from './scope';
