/**
 * A primitive and what it is built from, as JSON (from `describe()`).
 *
 * @example
 * ```ts
 * const tree: PrimitiveDescription = workflow.describe();
 * ```
 */
export interface PrimitiveDescription {
  readonly type: string;
  readonly name: string;
  /** Where this primitive sits in its parent: a route key, a branch, `primary`, a step name… */
  readonly label?: string;
  /** The options that shape behaviour (numbers, strings, booleans). */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
  readonly children?: readonly PrimitiveDescription[];
}

/**
 * A child for `describeChildren()`.
 *
 * @example
 * ```ts
 * protected override describeChildren(): readonly DescribedChild[] { return [{ label: 'inner', primitive: this.inner }]; }
 * ```
 */
export interface DescribedChild {
  /** Shown in `describe()` and the Mermaid graph. Default: none. */
  readonly label?: string | undefined;
  /** The child's segment of its `path`. Default: the label (spaces as `-`), else `inner`. */
  readonly segment?: string | undefined;
  readonly primitive: { describe(): PrimitiveDescription };
}

function escapeLabel(text: string): string {
  return text.replaceAll('"', '#quot;').replaceAll('<', '#lt;').replaceAll('>', '#gt;');
}

/**
 * Renders a description as a Mermaid flowchart: one node per primitive (type, name and options),
 * edges from each primitive to what it wraps or composes, labelled with routes, branches or steps.
 *
 * @example
 * ```ts
 * console.log(descriptionToMermaid(workflow.describe())); // paste into any Mermaid renderer
 * ```
 */
export function descriptionToMermaid(root: PrimitiveDescription): string {
  const lines = ['flowchart TD'];
  let next = 0;
  const walk = (d: PrimitiveDescription): string => {
    const id = `n${next++}`;
    const options = Object.entries(d.options ?? {})
      .map(([k, v]) => escapeLabel(`${k}: ${String(v)}`))
      .join('<br/>');
    const title = `<b>${escapeLabel(d.type)}</b> ${escapeLabel(d.name)}`;
    lines.push(`  ${id}["${title}${options === '' ? '' : `<br/><small>${options}</small>`}"]`);
    for (const child of d.children ?? []) {
      const childId = walk(child);
      lines.push(
        child.label === undefined
          ? `  ${id} --> ${childId}`
          : `  ${id} -->|"${escapeLabel(child.label)}"| ${childId}`,
      );
    }
    return id;
  };
  walk(root);
  return lines.join('\n');
}
