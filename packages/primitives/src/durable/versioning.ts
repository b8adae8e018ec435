import { createHash } from 'node:crypto';
import { createContextKey, type WorkflowContext } from '@tta/agent-context';
import type { PrimitiveDescription } from '@tta/primitives';

// A resumed run replays its journal by step path, so it is only safe under the structure it
// started with. The fingerprint hashes the composition tree (types and places, not names or
// options: renaming a step or tuning a retry does not move any step), and a run records it with
// the workflow's version.

/**
 * A hash of a workflow's structure: the type and place of every step, recursively.
 *
 * @example
 * ```ts
 * structureFingerprint(workflow.describe()); // '3f1a…' (changes when a step is added, removed or moved)
 * ```
 */
export function structureFingerprint(description: PrimitiveDescription): string {
  const shape = (d: PrimitiveDescription): unknown => [
    d.type,
    d.label ?? '',
    (d.children ?? []).map(shape),
  ];
  return createHash('sha256')
    .update(JSON.stringify(shape(description)))
    .digest('hex')
    .slice(0, 32);
}

/** The version a run started with, on every context of that run. */
export const RUN_VERSION = createContextKey<string>('tta.durable.run-version');

/**
 * The workflow version the current durable run started with, so new code can keep old runs on
 * their old path (declare the old version in `durable()`'s `resumes`). Undefined outside a run.
 *
 * @example
 * ```ts
 * const notify = lambda(async (claim: Claim, ctx) =>
 *   runVersion(ctx) === '1' ? sendEmail(claim) : sendEmailAndSlack(claim));
 * ```
 */
export function runVersion(context: WorkflowContext): string | undefined {
  return context.getValue(RUN_VERSION);
}
