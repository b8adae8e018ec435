// Checks the built package as users load it: ESM and CommonJS, root and ./setup.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Registry } = require('prom-client');
for (const [label, obs, setup] of [
  ['esm', await import('@tta/observability'), await import('@tta/observability/setup')],
  ['cjs', require('@tta/observability'), require('@tta/observability/setup')],
]) {
  assert.equal(typeof obs.createObservabilityHooks, 'function', label);
  assert.equal(typeof setup.setupObservability, 'function', label);
  // The prom-client path loads the optional peer lazily (through createRequire in both formats).
  const registry = new Registry();
  const hooks = obs.createObservabilityHooks({ registry });
  assert.equal(typeof hooks.aroundExecute, 'function', label);
  assert.match(await registry.metrics(), /tta_primitive_executions_total/, label);
}
console.log('dist smoke test: ok');
