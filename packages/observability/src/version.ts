// The version comes from package.json at build time (the bundler inlines just this field), so a
// release never reports a stale instrumentation-scope version.
import { name, version } from '../package.json';

/** This package's name, reported as the OpenTelemetry instrumentation scope. */
export const SCOPE_NAME: string = name;
/** This package's version, reported as the OpenTelemetry instrumentation scope version. */
export const SCOPE_VERSION: string = version;
