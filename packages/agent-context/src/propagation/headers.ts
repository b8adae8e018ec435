/**
 * Anything headers can be read from: a fetch `Headers`, Node's `IncomingHttpHeaders`
 * (values may be arrays), a `Map`, or a plain record. Names are matched case-insensitively.
 *
 * @example
 * ```ts
 * const ctx = WorkflowContext.fromHeaders(req.headers); // Node headers, fetch Headers or a record
 * ```
 */
export type HeaderCarrier =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The headers {@link WorkflowContext.toHeaders} produces: always `x-correlation-id`, and
 * `traceparent` and `baggage` when there is a trace and baggage. A plain record of strings, so it
 * passes as fetch's `HeadersInit`, Node's `OutgoingHttpHeaders` and `Record<string, string>`.
 *
 * @example
 * ```ts
 * await fetch(url, { headers: ctx.toHeaders() });
 * await fetch(url, { headers: { ...ctx.toHeaders(), 'content-type': 'application/json' } });
 * ```
 */
export type PropagationHeaders = {
  [header: string]: string;
  'x-correlation-id': string;
};

function isGetter(
  carrier: HeaderCarrier,
): carrier is { get(name: string): string | null | undefined } {
  return typeof (carrier as { get?: unknown }).get === 'function';
}

/**
 * Reads one header from a carrier. Repeated headers (array values) are returned as their
 * list, so the caller can decide whether repetition is allowed.
 */
export function readHeader(
  carrier: HeaderCarrier,
  name: string,
): string | readonly string[] | undefined {
  if (isGetter(carrier)) return carrier.get(name) ?? undefined;
  if (Object.hasOwn(carrier, name)) return carrier[name];
  for (const key of Object.keys(carrier)) {
    if (key.toLowerCase() === name) return carrier[key];
  }
  return undefined;
}
