import { isWorkflowPrimitive } from '@tta/primitives';
import type { OptionSpec } from '../internal/options.js';

/** The `agents` option of the agent primitives: a record of at least one primitive, by name. */
export function agentsOption<P>(): OptionSpec<{ readonly [agent: string]: P }> {
  return {
    check: (value, where) => {
      if (typeof value !== 'object' || value === null)
        throw new TypeError(`${where} must be a record of primitives`);
      const entries = Object.entries(value);
      if (entries.length === 0) throw new TypeError(`${where} must name at least one agent`);
      for (const [name, agent] of entries)
        if (!isWorkflowPrimitive(agent))
          throw new TypeError(`${where}: "${name}" is not a primitive`);
      return value as { readonly [agent: string]: P };
    },
    docDefault: 'required',
    describe: false,
  };
}
