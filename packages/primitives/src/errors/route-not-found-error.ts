import { TtaError } from '@tta/agent-context';

/**
 * A router's `select` returned a key that is not a route, and the router has no default.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof RouteNotFoundError) console.warn(error.route, error.available); }
 * ```
 */
export class RouteNotFoundError extends TtaError {
  /** The key `select` returned. */
  readonly route: string;
  /** The keys the router knows. */
  readonly available: readonly string[];

  /** The router's name. */
  readonly router: string;

  constructor(
    details: { router: string; route: string; available: readonly string[] },
    options?: ErrorOptions,
  ) {
    const { router, route, available } = details;
    super(
      'ROUTE_NOT_FOUND',
      `${router}: no route "${route}" (routes: ${available.map((r) => `"${r}"`).join(', ')}) and no default`,
      options,
    );
    this.name = 'RouteNotFoundError';
    this.router = router;
    this.route = route;
    this.available = available;
  }
}

declare module '@tta/agent-context' {
  interface TtaErrorCodes {
    ROUTE_NOT_FOUND: RouteNotFoundError;
  }
}
