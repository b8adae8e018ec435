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

  constructor(route: string, available: readonly string[], routerName: string) {
    super(
      'ROUTE_NOT_FOUND',
      `${routerName}: no route "${route}" (routes: ${available.map((r) => `"${r}"`).join(', ')}) and no default`,
    );
    this.name = 'RouteNotFoundError';
    this.route = route;
    this.available = available;
  }
}
