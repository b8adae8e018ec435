/** True for a promise: store and hook methods may answer synchronously or asynchronously. */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise;
}
