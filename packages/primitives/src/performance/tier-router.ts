import { isTtaError, type WorkflowContext } from '@tta/agent-context';
import { CircuitBreakerPrimitive, type WorkflowPrimitive } from '../classes.js';
import type { DescribedChild } from '../core/describe.js';
import { isWorkflowPrimitive } from '../core/is-primitive.js';
import type { BranchInput } from '../core/parallel-types.js';
import { Router } from '../core/router.js';
import type { AnyPrimitive, InputOf, OutputOf, PrimitiveOptions } from '../core/types.js';
import type { CircuitOpenError } from '../errors/circuit-open-error.js';
import { RouteNotFoundError } from '../errors/route-not-found-error.js';
import { decide } from '../hooks/step-interceptor.js';
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
export interface TierRouterOptions<
  T extends { readonly [tier: string]: AnyPrimitive },
  I = BranchInput<T>,
> extends PrimitiveOptions {
  /**
   * The tiers, in order, cheapest first (for example `{ fast, balanced, quality }`). Each must
   * accept the router's input `I` (an error names the tier that does not).
   */
  tiers: T & { readonly [K in keyof T]: WorkflowPrimitive<I, unknown> };
  /**
   * Picks the tier for an input (sync or async), from the input and the context (budget, latency
   * wish…). Its parameter is typed from the tiers; annotate it (`(prompt: string) => …`) to take
   * a narrower input than the tiers accept.
   */
  classify: (input: I, context: WorkflowContext) => (keyof T & string) | Promise<keyof T & string>;
  /**
   * Circuit breakers per tier: breaker options (e.g. `{ failureThreshold: 3, store }`), or an
   * existing `CircuitBreakerPrimitive` wrapping that tier's primitive (one shared with other
   * code, say). A tier whose breaker is open is skipped. Default: none.
   */
  breakers?: { readonly [K in keyof T]?: TierBreaker<T[K]> } | undefined;
}

/**
 * A tier's breaker: options for a new one, or an existing breaker around the tier's primitive.
 *
 * @example
 * ```ts
 * const breakers: { large: TierBreaker<typeof gpt4o> } = { large: gpt4o.withCircuitBreaker({ store }) };
 * ```
 */
export type TierBreaker<P> =
  | CircuitBreakerOptions
  | CircuitBreakerPrimitive<InputOf<P>, OutputOf<P>>;

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
class TierRouter<
  const T extends { readonly [tier: string]: AnyPrimitive },
  I = BranchInput<T>,
> extends Router<T, I> {
  override readonly type = 'tier-router';
  /** Tier keys, cheapest first. */
  readonly tierOrder: readonly (keyof T & string)[];
  readonly #classify: TierRouterOptions<T, I>['classify'];
  readonly #guarded: ReadonlyMap<string, AnyPrimitive>;
  readonly #breakers: ReadonlyMap<string, CircuitBreakerPrimitive<unknown, unknown>>;

  constructor(options: TierRouterOptions<T, I>) {
    super({ name: options?.name, routes: options?.tiers, select: options?.classify as never });
    requireFunction('TierRouterPrimitive', 'classify', options.classify);
    this.tierOrder = Object.keys(options.tiers) as (keyof T & string)[];
    this.#classify = options.classify;
    const guarded = new Map<string, AnyPrimitive>();
    const breakers = new Map<string, CircuitBreakerPrimitive<unknown, unknown>>();
    for (const tier of this.tierOrder) {
      const given: unknown = options.breakers?.[tier];
      const primitive = options.tiers[tier] as AnyPrimitive;
      const breaker = tierBreaker(`${this.name}:${tier}`, tier, primitive, given);
      if (breaker !== undefined) breakers.set(tier, breaker);
      guarded.set(tier, breaker ?? primitive);
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

  protected override async run(input: I, context: WorkflowContext): Promise<OutputOf<T[keyof T]>> {
    // Recorded in durable runs: a resumed run takes the tier it took.
    const selected = await decide(this, context, () => this.#classify(input, context));
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

/** A tier's breaker from the `breakers` option: a new one from options, or the one given. */
function tierBreaker(
  name: string,
  tier: string,
  primitive: AnyPrimitive,
  given: unknown,
): CircuitBreakerPrimitive<unknown, unknown> | undefined {
  if (given === undefined) return undefined;
  if (given instanceof CircuitBreakerPrimitive) {
    if (given.inner !== primitive)
      throw new TypeError(
        `TierRouterPrimitive: breakers.${tier} wraps another primitive than tiers.${tier}`,
      );
    return given;
  }
  if (isWorkflowPrimitive(given) || typeof given !== 'object' || given === null)
    throw new TypeError(
      `TierRouterPrimitive: breakers.${tier} must be circuit-breaker options or a CircuitBreakerPrimitive`,
    );
  // Named after the router and tier: its key in a shared store stays the same in every replica.
  return new CircuitBreakerPrimitive(primitive, { name, ...(given as CircuitBreakerOptions) });
}

/**
 * A router over model tiers, cheapest first; see {@link TierRouterPrimitiveConstructor}.
 *
 * @example
 * ```ts
 * const route: TierRouterPrimitive<{ fast: typeof fast; quality: typeof quality }, string> = router;
 * ```
 */
export type TierRouterPrimitive<
  T extends { readonly [tier: string]: AnyPrimitive },
  I = BranchInput<T>,
> = TierRouter<T, I>;

/**
 * The constructor of {@link TierRouterPrimitive}. The router's input `I` comes from `classify`'s
 * parameter when it is annotated (`(prompt: string) => …`), else from the tiers; each tier must
 * accept it, and a tier that does not is named in the error.
 *
 * @example
 * ```ts
 * const answer = new TierRouterPrimitive({
 *   tiers: { fast: smallModel, quality: largeModel },
 *   classify: (prompt: string) => (prompt.length > 200 ? 'quality' : 'fast'),
 * });
 * ```
 */
export interface TierRouterPrimitiveConstructor {
  new <const T extends { readonly [tier: string]: AnyPrimitive }, I = BranchInput<T>>(
    options: TierRouterOptions<T, I>,
  ): TierRouterPrimitive<T, NoInfer<I>>;
  readonly prototype: TierRouterPrimitive<{ readonly [tier: string]: AnyPrimitive }, unknown>;
}

/**
 * Routes each input to a tier, falling to other tiers when a tier's breaker is open (see the
 * class documentation).
 *
 * @example
 * ```ts
 * const answer = new TierRouterPrimitive({ tiers: { fast, quality }, classify: (p: string) => (p.length > 200 ? 'quality' : 'fast') });
 * ```
 */
export const TierRouterPrimitive = TierRouter as unknown as TierRouterPrimitiveConstructor;
