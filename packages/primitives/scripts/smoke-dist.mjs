// Checks the built package as users load it: ESM and CommonJS, root and subpath entries.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('@tta/primitives');
const esmTesting = await import('@tta/primitives/testing');
const cjs = require('@tta/primitives');
const cjsTesting = require('@tta/primitives/testing');

for (const [label, p, t] of [
  ['esm', esm, esmTesting],
  ['cjs', cjs, cjsTesting],
]) {
  const flow = p.sequential(
    p.lambda((s) => s.trim()),
    p.lambda((s) => s.length),
  );
  assert.equal(flow.name, 'SequentialPrimitive', `${label}: default names survive bundling`);
  assert.equal(new p.ParallelPrimitive([flow]).name, 'ParallelPrimitive', label);
  assert.equal(p.lambda((x) => x).name, 'LambdaPrimitive', label);
  const mock = new t.MockPrimitive({ returns: 'm' });
  assert.equal(mock.name, 'MockPrimitive', label);
  // The subpath shares the root's classes, so composition and instanceof work across them.
  assert.ok(mock instanceof p.WorkflowPrimitive, `${label}: testing extends the root's class`);
  assert.deepEqual(await mock.parallel(flow).execute('  hi '), ['m', 2], label);
}
// Both builds share one hook registry and one async context storage.
const recorder = esmTesting.createRecordingHooks();
const off = esm.registerHooks(recorder);
await cjs.lambda((x) => x).execute(1);
off();
assert.equal(recorder.executions.length, 1, 'hooks registered through ESM see CommonJS executions');
// The Redis subpath loads in both formats and shares the root's classes.
const esmRedis = await import('@tta/primitives/redis');
const cjsRedis = require('@tta/primitives/redis');
for (const redis of [esmRedis, cjsRedis]) {
  assert.equal(typeof redis.RedisCacheStore, 'function');
  assert.throws(() => new redis.RedisCircuitBreakerStore({}), TypeError);
}
// The agents and llm subpaths load in both formats and share the root's classes.
for (const [label, agents, llm, root] of [
  ['esm', await import('@tta/primitives/agents'), await import('@tta/primitives/llm'), esm],
  ['cjs', require('@tta/primitives/agents'), require('@tta/primitives/llm'), cjs],
]) {
  const coordination = new agents.AgentCoordinationPrimitive({
    agents: { a: root.lambda((x) => x) },
  });
  assert.ok(coordination instanceof root.WorkflowPrimitive, label);
  assert.deepEqual((await coordination.execute(1)).agents, ['a'], label);
  const chat = new llm.OpenAIChatPrimitive({ model: 'm', baseURL: 'http://127.0.0.1:9/v1' });
  assert.ok(chat instanceof root.WorkflowPrimitive, label);
}
// Errors are recognised across the two builds by code, whichever build threw them.
const cjsTimeout = new cjs.TimeoutError({ step: 's', timeoutMs: 1 });
assert.ok(esm.isTtaError(cjsTimeout, 'TIMEOUT'), 'ESM isTtaError recognises a CommonJS error');
assert.ok(cjs.isTtaError(new esm.FallbackError({ fallback: 'f', errors: [], attempted: [] })));
assert.ok(!esm.isTtaError(cjsTimeout, 'CANCELLED'));
console.log('dist smoke test: ok');
