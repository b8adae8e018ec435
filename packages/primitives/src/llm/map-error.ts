import * as errors from './errors/llm-errors.js';

type HeaderBag =
  | { get?(name: string): string | null }
  | Record<string, string | undefined>
  | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  return (headers as Record<string, string | undefined>)[name];
}

/**
 * `retry-after-ms`, else `retry-after` (seconds or an HTTP date), in ms.
 *
 * @example
 * ```ts
 * retryAfterMs(response.headers); // 2000 for `retry-after: 2`
 * ```
 */
export function retryAfterMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && header(headers, 'retry-after-ms') !== undefined) return ms;
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Turns an `openai` SDK error (or a network failure) into a typed `LlmError`.
 *
 * @example
 * ```ts
 * try { await client.chat.completions.create(request); } catch (error) { throw toLlmError(error); }
 * ```
 */
export function toLlmError(
  error: unknown,
  options: { requestTimeoutMs?: number | undefined } = {},
): errors.LlmError {
  if (error instanceof errors.LlmError) return error;
  const e = error as { name?: unknown; status?: unknown; headers?: HeaderBag; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const status = typeof e?.status === 'number' ? e.status : undefined;
  if (isNamed(error, 'APIConnectionTimeoutError'))
    return new errors.LlmTimeoutError(
      { phase: 'request', timeoutMs: options.requestTimeoutMs },
      { cause: error },
    );
  if (status === 429)
    return new errors.LlmRateLimitError(
      { message, retryAfterMs: retryAfterMs(e.headers) },
      { cause: error },
    );
  if (status === 408)
    return new errors.LlmTimeoutError({ phase: 'request', timeoutMs: undefined }, { cause: error });
  if (status === undefined || status >= 500 || status === 409)
    return new errors.LlmServerError({ message, status }, { cause: error });
  return new errors.LlmRequestError({ message, status }, { cause: error });
}

// The SDK's error classes do not set `name` (it stays "Error"): match the class name too, without
// importing the optional `openai` package.
function isNamed(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { name?: unknown }).name === name) return true;
  for (
    let proto = Object.getPrototypeOf(error);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  )
    if (proto.constructor?.name === name) return true;
  return false;
}
