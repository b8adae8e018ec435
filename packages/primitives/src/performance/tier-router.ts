import { isTtaError, type WorkflowContext } from '@tta/agent-context';
import { CircuitBreakerPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import type { BranchInput } from '../core/parallel-types.js';
import { RouterPrimitive } from '../core/router.js';
import type { AnyPrimitive, OutputOf, PrimitiveOptions } from '../core/types.js';
import type { CircuitOpenError } from '../errors/circuit-open-error.js';
import { RouteNotFoundError } from '../errors/route-not-found-error.js';
import { requireFunction } from '../internal/validate.js';
import type { CircuitBreakerOptions } from '../recovery/circuit-breaker.js';

/**
 * Options of {@link TierRouterPrimitive}.
 *
 * @example
 * ```ts
 * new TierRouterPrimitive({ tiers: { fast, quality }, classify: (p: string) => (p.length > 200 ? 'quality' : 'fast') });
 * ```
 */
export interface TierRouterOptions<T extends { readonly [tier: string]: AnyPrimitive }>
  extends PrimitiveOptions {
  /** The tiers, in order, cheapest first (for example `{ fast, balanced, quality }`). */
  tiers: T;
  /** Picks the tier for an input (sync or async), from the input and the context (budget, latency wish…). */
  classify: (
    input: BranchInput<T>,
    context: WorkflowContext,
  ) => (keyof T & string) | Promise<keyof T & string>;
  /**
   * Circuit breakers per tier (options, e.g. `{ failureThreshold: 3, store }`). A tier whose
   * breaker is open is skipped. Default: none.
   */
  breakers?: { readonly [K in keyof T]?: CircuitBreakerOptions } | undefined;
}

/**
 * Routes each input to a model tier picked by `classify`, and keeps serving when a tier is down:
 * when the chosen tier's circuit breaker is open it moves on to the next tier up (then, if none is
 * left, to the cheaper ones, nearest first). The `route` event (and the span attribute
 * `tta.router.route`) names the tier that ran; `selected` the tier `classify` picked.
 *
 * @example
 * ```ts
 * const answer = new TierRouterPrimitive({
 *   tiers: { fast: smallModel, balanced: mediumModel, quality: largeModel },
 *   classify: (prompt: string, ctx) =>
 *     prompt.length < 200 ? 'fast' : ctx.metadata.priority === 'high' ? 'quality' : 'balanced',
 *   breakers: { quality: { failureThreshold: 3, recoveryTimeoutMs: 30_000 } },
 * });
 * ```
 */
export class TierRouterPrimitive<
  const T extends { readonly [tier: string]: AnyPrimitive },
> extends RouterPrimitive<T> {
  override readonly type = 'tier-router';
  /** Tier keys, cheapest first. */
  readonly tierOrder: readonly (keyof T & string)[];
  readonly #classify: TierRouterOptions<T>['classify'];
  readonly #guarded: ReadonlyMap<string, AnyPrimitive>;
  readonly #breakers: ReadonlyMap<string, CircuitBreakerPrimitive<unknown, unknown>>;

  constructor(options: TierRouterOptions<T>) {
    super({ name: options?.name, routes: options?.tiers, select: options?.classify as never });
    requireFunction('TierRouterPrimitive', 'classify', options.classify);
    this.tierOrder = Object.keys(options.tiers) as (keyof T & string)[];
    this.#classify = options.classify;
    const guarded = new Map<string, AnyPrimitive>();
    const breakers = new Map<string, CircuitBreakerPrimitive<unknown, unknown>>();
    for (const tier of this.tierOrder) {
      const breakerOptions = options.breakers?.[tier];
      const primitive = options.tiers[tier] as AnyPrimitive;
      if (breakerOptions === undefined) {
        guarded.set(tier, primitive);
        continue;
      }
      const breaker = new CircuitBreakerPrimitive(primitive, {
        name: `${this.name}:${tier}`,
        ...breakerOptions,
      });
      breakers.set(tier, breaker);
      guarded.set(tier, breaker);
    }
    for (const tier of Object.keys(options.breakers ?? {})) {
      if (!guarded.has(tier))
        throw new TypeError(`TierRouterPrimitive: breakers.${tier} is not a tier`);
    }
    this.#guarded = guarded;
    this.#breakers = breakers;
    this.adoptChildren();
  }

  /** The circuit breaker guarding a tier, if it has one. */
  breaker(tier: keyof T & string): CircuitBreakerPrimitive<unknown, unknown> | undefined {
    return this.#breakers.get(tier);
  }

  /** The order tiers are tried in when `selected` is chosen: it, the ones above, then the ones below. */
  fallbackOrder(selected: keyof T & string): (keyof T & string)[] {
    const i = this.tierOrder.indexOf(selected);
    return [...this.tierOrder.slice(i), ...this.tierOrder.slice(0, i).reverse()];
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return this.tierOrder.map((tier) => ({
      label: tier,
      primitive: this.#guarded.get(tier) as AnyPrimitive,
    }));
  }

  protected override async run(
    input: BranchInput<T>,
    context: WorkflowContext,
  ): Promise<OutputOf<T[keyof T]>> {
    const selected = await this.#classify(input, context);
    if (typeof selected !== 'string' || !this.#guarded.has(selected)) {
      throw new RouteNotFoundError({
        route: String(selected),
        available: this.tierOrder,
        router: this.name,
      });
    }
    let lastOpen: CircuitOpenError | undefined;
    for (const tier of this.fallbackOrder(selected)) {
      const report = () =>
        this.emit(
          { type: 'route', route: tier, selected, usedDefault: tier !== selected },
          context,
        );
      try {
        const output = await (this.#guarded.get(tier) as AnyPrimitive).execute(input, context);
        report();
        return output;
      } catch (error) {
        // An open breaker refuses before calling the tier: move on. Any other error is the tier's answer.
        if (!isTtaError(error, 'CIRCUIT_OPEN')) {
          report();
          throw error;
        }
        lastOpen = error as CircuitOpenError;
      }
    }
    throw lastOpen as CircuitOpenError;
  }
}
