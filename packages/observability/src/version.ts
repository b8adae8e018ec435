/** This package's name and version, reported as the OpenTelemetry instrumentation scope. */
export const SCOPE_NAME = '@tta/observability';
export const SCOPE_VERSION = '0.1.0';
