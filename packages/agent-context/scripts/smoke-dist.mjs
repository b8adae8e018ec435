// Checks the built package as users load it: ESM and CommonJS, root and ./redis.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
for (const [label, ctx, redis] of [
  ['esm', await import('@tta/agent-context'), await import('@tta/agent-context/redis')],
  ['cjs', require('@tta/agent-context'), require('@tta/agent-context/redis')],
]) {
  const c = ctx.WorkflowContext.create({ budget: { maxTokens: 10 } });
  c.recordUsage({ inputTokens: 10 });
  assert.throws(() => c.throwIfCancelled(), ctx.BudgetExceededError, label);
  const store = new ctx.InMemoryStore();
  await store.set('k', { a: 1 });
  assert.deepEqual(await store.get('k'), { a: 1 }, label);
  assert.equal(typeof redis.RedisStore, 'function', label);
  assert.throws(() => new redis.RedisStore({}), TypeError, label);
}
console.log('dist smoke test: ok');
