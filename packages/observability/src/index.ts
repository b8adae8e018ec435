export { createLoggingHooks, type LoggingHooksOptions, type LogRecord } from './logging-hooks.js';
