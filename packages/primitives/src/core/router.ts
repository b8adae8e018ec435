import type { WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import { RouteNotFoundError } from '../errors/route-not-found-error.js';
import { decide } from '../hooks/step-interceptor.js';
import type { DescribedChild } from './describe.js';
import { isWorkflowPrimitive } from './is-primitive.js';
import type { BranchInput } from './parallel-types.js';
import type { AnyPrimitive, ChunkOf, OutputOf, PrimitiveOptions } from './types.js';

/**
 * Route keys of a routes record (any string is accepted at run time; unknown ones use the default).
 *
 * @example
 * ```ts
 * const select = (q: string): RouteKey<typeof routes> => (q.includes('refund') ? 'billing' : 'general');
 * ```
 */
export type RouteKey<R> = (keyof R & string) | (string & {});

/**
 * Options of {@link RouterPrimitive}.
 *
 * @example
 * ```ts
 * new RouterPrimitive({ routes: { cheap, strong }, select: (q: string) => (q.length > 500 ? 'strong' : 'cheap'), default: 'cheap' });
 * ```
 */
export interface RouterOptions<
  R extends { readonly [key: string]: AnyPrimitive },
  I = BranchInput<R>,
> extends PrimitiveOptions {
  /**
   * The primitives to choose from, by key. Must not be empty. Each must accept the router's
   * input `I` (an error names the route that does not).
   */
  routes: R & { readonly [K in keyof R]: WorkflowPrimitive<I, unknown> };
  /**
   * Picks a route key from the input and context (sync or async). Its parameter is typed from
   * the routes; annotate it (`(prompt: string) => …`) to take a narrower input than they accept.
   */
  select: (input: I, context: WorkflowContext) => RouteKey<R> | Promise<RouteKey<R>>;
  /** The route used when `select` returns an unknown key. Default: none (a `RouteNotFoundError`). */
  default?: (keyof R & string) | undefined;
}

/**
 * Sends each input to one of several primitives, chosen by `select`. Emits a `route` event
 * naming the route taken.
 *
 * @example
 * ```ts
 * const answer = new RouterPrimitive({
 *   routes: { cheap: smallModel, strong: largeModel },
 *   select: (prompt: string) => (prompt.length > 500 ? 'strong' : 'cheap'),
 *   default: 'cheap',
 * });
 * ```
 */
export class Router<
  const R extends { readonly [key: string]: AnyPrimitive },
  I = BranchInput<R>,
> extends WorkflowPrimitive<I, OutputOf<R[keyof R]>> {
  override readonly type: string = 'router';
  /** Type-only: it streams the chunks of the route it takes. */
  declare readonly '~chunk': ChunkOf<R[keyof R]>;
  /** The routes, by key. */
  readonly routes: Readonly<R>;
  readonly #select: RouterOptions<R, I>['select'];
  readonly #default: string | undefined;

  constructor(options: RouterOptions<R, I>) {
    super(options);
    const { routes, select } = options ?? ({} as RouterOptions<R, I>);
    if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) {
      throw new TypeError('RouterPrimitive: routes must be a record of primitives');
    }
    const keys = Object.keys(routes);
    if (keys.length === 0) throw new TypeError('RouterPrimitive: routes must not be empty');
    for (const key of keys) {
      if (!isWorkflowPrimitive(routes[key]))
        throw new TypeError(`RouterPrimitive: route "${key}" is not a primitive`);
    }
    if (typeof select !== 'function')
      throw new TypeError('RouterPrimitive: select must be a function');
    if (options.default !== undefined && !Object.hasOwn(routes, options.default)) {
      throw new TypeError(
        `RouterPrimitive: default route "${options.default}" is not one of the routes`,
      );
    }
    this.routes = Object.freeze({ ...routes });
    this.#select = select;
    this.#default = options.default;
    // A subclass (TierRouterPrimitive) adopts its own children once it has them.
    if (new.target === Router) this.adoptChildren();
  }

  protected override describeOptions(): Record<string, string | number | boolean> | undefined {
    return this.#default === undefined ? undefined : { default: this.#default };
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return Object.entries(this.routes).map(([label, primitive]) => ({ label, primitive }));
  }

  protected async run(input: I, context: WorkflowContext): Promise<OutputOf<R[keyof R]>> {
    // Recorded in durable runs: a resumed run takes the route it took.
    const selected = await decide(this, context, () => this.#select(input, context));
    let route =
      typeof selected === 'string' && Object.hasOwn(this.routes, selected) ? selected : undefined;
    const usedDefault = route === undefined && this.#default !== undefined;
    if (usedDefault) route = this.#default;
    if (route === undefined)
      throw new RouteNotFoundError({
        route: String(selected),
        available: Object.keys(this.routes),
        router: this.name,
      });
    this.emit({ type: 'route', route, selected: String(selected), usedDefault }, context);
    return this.runStep(this.routes[route] as AnyPrimitive, input, context);
  }
}

/**
 * A primitive choosing one route per input; see {@link RouterPrimitiveConstructor}.
 *
 * @example
 * ```ts
 * const pick: RouterPrimitive<{ cheap: typeof cheap; strong: typeof strong }, string> = router;
 * ```
 */
export type RouterPrimitive<
  R extends { readonly [key: string]: AnyPrimitive },
  I = BranchInput<R>,
> = Router<R, I>;

/**
 * The constructor of {@link RouterPrimitive}. The router's input `I` comes from `select`'s
 * parameter when it is annotated, else from the routes; never from where the router is used (so
 * a router built inside `sequential(…)` keeps its own input type).
 *
 * @example
 * ```ts
 * const answer = new RouterPrimitive({
 *   routes: { cheap: cheapModel, strong: strongModel },
 *   select: (prompt: string) => (prompt.length > 500 ? 'strong' : 'cheap'),
 * }); // RouterPrimitive<…, string>
 * ```
 */
export interface RouterPrimitiveConstructor {
  new <const R extends { readonly [key: string]: AnyPrimitive }, I = BranchInput<R>>(
    options: RouterOptions<R, I>,
  ): RouterPrimitive<R, NoInfer<I>>;
  readonly prototype: RouterPrimitive<{ readonly [key: string]: AnyPrimitive }, unknown>;
}

/**
 * Routes each input to one of several primitives (see the class documentation).
 *
 * @example
 * ```ts
 * const answer = new RouterPrimitive({ routes: { cheap, strong }, select: (q: string) => (q.length > 500 ? 'strong' : 'cheap') });
 * ```
 */
export const RouterPrimitive = Router as unknown as RouterPrimitiveConstructor;
