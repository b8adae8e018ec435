import { expect, it, describe as suite } from 'vitest';
import {
  CachePrimitive,
  CircuitBreakerPrimitive,
  descriptionToMermaid,
  FallbackPrimitive,
  lambda,
  parallel,
  RetryPrimitive,
  RouterPrimitive,
  sequential,
  TimeoutPrimitive,
  when,
} from '../src/index.js';

const step = (name: string) => lambda((x: string) => x, { name });
// Steps after the parallel one take its object output.
const anyStep = (name: string) => lambda((x: unknown) => String(x), { name });

suite('describe() and toMermaid()', () => {
  const workflow = sequential(
    { name: 'answer' },
    step('validate'),
    new CachePrimitive(
      new TimeoutPrimitive(
        new RetryPrimitive(new FallbackPrimitive(step('gpt'), step('llama'), { name: 'models' }), {
          maxRetries: 2,
          jitter: false,
          name: 'retry',
        }),
        { timeoutMs: 5000, name: 'limit' },
      ),
      { name: 'cache', ttlMs: 60_000 },
    ),
    parallel({ tone: step('tone'), safety: step('safety') }),
    new RouterPrimitive({
      name: 'lang',
      routes: { en: anyStep('format-en'), es: anyStep('format-es') },
      select: () => 'en',
      default: 'en',
    }),
    when((s: string) => s.length > 0, step('polish')),
  );

  it('returns a JSON tree of types, names, options and labelled children', () => {
    const tree = workflow.describe();
    expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
    expect(tree).toMatchObject({ type: 'sequential', name: 'answer' });
    expect(tree.children?.map((c) => [c.label, c.type, c.name])).toEqual([
      ['1', 'lambda', 'validate'],
      ['2', 'cache', 'cache'],
      // Issue 11: unnamed steps in a named workflow are named after their place, not their class.
      ['3', 'parallel', 'answer/3.parallel'],
      ['4', 'router', 'lang'],
      ['5', 'conditional', 'answer/5.conditional'],
    ]);
    const cache = tree.children?.[1];
    expect(cache?.options).toEqual({ ttlMs: 60_000, namespace: 'cache' });
    const retry = cache?.children?.[0]?.children?.[0];
    expect(retry).toMatchObject({ type: 'retry', options: { maxRetries: 2, jitter: false } });
    expect(retry?.children?.[0]?.children?.map((c) => c.label)).toEqual(['primary', 'fallback 1']);
    expect(tree.children?.[2]?.children?.map((c) => c.label)).toEqual(['tone', 'safety']);
    expect(tree.children?.[3]).toMatchObject({ options: { default: 'en' } });
    expect(tree.children?.[4]?.children?.map((c) => c.label)).toEqual(['then']);
  });

  it('renders a Mermaid flowchart with a node per primitive and labelled edges', () => {
    const mermaid = workflow.toMermaid();
    expect(mermaid.split('\n')[0]).toBe('flowchart TD');
    expect(mermaid).toContain('n0["<b>sequential</b> answer"]');
    expect(mermaid).toMatch(/n\d+\["<b>timeout<\/b> limit<br\/><small>timeoutMs: 5000<\/small>"\]/);
    expect(mermaid).toMatch(/-->\|"fallback 1"\| n\d+/);
    expect(mermaid).toMatch(/-->\|"es"\| n\d+/);
    expect(mermaid.match(/\["/g)).toHaveLength(16); // one node per primitive in the tree
  });

  it('shows breaker settings and escapes names', () => {
    const breaker = new CircuitBreakerPrimitive(step('call "api"'), { failureThreshold: 3 });
    expect(breaker.describe().options).toMatchObject({
      failureThreshold: 3,
      recoveryTimeoutMs: 60_000,
      key: 'CircuitBreakerPrimitive',
    });
    expect(descriptionToMermaid(breaker.describe())).toContain('call #quot;api#quot;');
  });
});

suite('toMermaid() option lines', () => {
  it('separates options with real line breaks', () => {
    const retry = new RetryPrimitive(
      lambda((x: number) => x),
      { maxRetries: 1, name: 'r' },
    );
    expect(retry.toMermaid()).toContain('<small>maxRetries: 1<br/>initialDelayMs: 1000<br/>');
  });
});
