import type { WorkflowContext } from '@tta/agent-context';
import { WorkflowPrimitive } from '../classes.js';
import { RouteNotFoundError } from '../errors/route-not-found-error.js';
import type { DescribedChild } from './describe.js';
import { isWorkflowPrimitive } from './is-primitive.js';
import type { BranchInput } from './parallel-types.js';
import type { AnyPrimitive, OutputOf, PrimitiveOptions } from './types.js';

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
export interface RouterOptions<R extends { readonly [key: string]: AnyPrimitive }>
  extends PrimitiveOptions {
  /** The primitives to choose from, by key. Must not be empty. */
  routes: R;
  /** Picks a route key from the input and context (sync or async). */
  select: (input: BranchInput<R>, context: WorkflowContext) => RouteKey<R> | Promise<RouteKey<R>>;
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
export class RouterPrimitive<
  const R extends { readonly [key: string]: AnyPrimitive },
> extends WorkflowPrimitive<BranchInput<R>, OutputOf<R[keyof R]>> {
  override readonly type: string = 'router';
  /** The routes, by key. */
  readonly routes: Readonly<R>;
  readonly #select: RouterOptions<R>['select'];
  readonly #default: string | undefined;

  constructor(options: RouterOptions<R>) {
    super(options);
    const { routes, select } = options ?? ({} as RouterOptions<R>);
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
    if (new.target === RouterPrimitive) this.adoptChildren();
  }

  protected override describeOptions(): Record<string, string | number | boolean> | undefined {
    return this.#default === undefined ? undefined : { default: this.#default };
  }

  protected override describeChildren(): readonly DescribedChild[] {
    return Object.entries(this.routes).map(([label, primitive]) => ({ label, primitive }));
  }

  protected async run(
    input: BranchInput<R>,
    context: WorkflowContext,
  ): Promise<OutputOf<R[keyof R]>> {
    const selected = await this.#select(input, context);
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
    return (this.routes[route] as AnyPrimitive).execute(input, context);
  }
}
