import {
  CIRCUIT_RULES,
  type CircuitCond,
  type CircuitExpr,
  type CircuitRule,
} from '@tta/primitives';

// Compiles the circuit breaker's rule table (the one `applyOperation` evaluates) into Lua, so
// the Redis store runs the same state machine. Lua's multiple assignment evaluates every right
// side first: a rule's fields are set from the values before it, as in TypeScript.

const LUA_VAR: Record<Exclude<CircuitExpr, number | readonly unknown[]>, string> = {
  failures: 'f',
  successes: 'sc',
  inFlight: 'i',
  openedAt: 'o',
  now: 'now',
  failureThreshold: 'ft',
  recoveryTimeoutMs: 'rt',
  successThreshold: 'st',
  halfOpenMaxCalls: 'hm',
  failureRatePercent: 'frp',
  minimumCalls: 'mc',
  windowCalls: 'wn',
  windowFailures: 'wfl',
};

function expr(e: CircuitExpr): string {
  if (typeof e === 'number') return String(e);
  if (typeof e === 'string') return LUA_VAR[e];
  return `(${expr(e[1])} ${e[0]} ${expr(e[2])})`;
}

function cond(c: CircuitCond): string {
  if (c[0] === 'and') return `(${cond(c[1])} and ${cond(c[2])})`;
  return `(${expr(c[1])} ${c[0]} ${expr(c[2])})`;
}

function branch(rule: CircuitRule): string {
  const test = [`op == '${rule.op}'`, `state == '${rule.state}'`];
  if (rule.trial) test.push('trial');
  if (rule.when !== undefined) test.push(cond(rule.when));
  const body: string[] = [];
  const set = rule.set ?? {};
  const targets: string[] = [];
  const values: string[] = [];
  if (set.state !== undefined) {
    targets.push('state');
    values.push(`'${set.state}'`);
  }
  for (const field of ['failures', 'successes', 'inFlight', 'openedAt'] as const) {
    const value = set[field];
    if (value === undefined) continue;
    targets.push(LUA_VAR[field]);
    values.push(expr(value));
  }
  if (targets.length > 0) body.push(`  ${targets.join(', ')} = ${values.join(', ')}`);
  if (rule.result === 'trial') body.push('  istrial = 1');
  else if (rule.result !== undefined)
    body.push(`  allowed = 0`, `  retry = ${expr(rule.result.retryAfterMs)}`);
  return `if ${test.join(' and ')} then\n${body.join('\n')}`;
}

/**
 * The Lua body of the state machine: reads `op`, `trial`, `state`, `f`, `sc`, `i`, `o`, `now`,
 * the policy (`ft`, `rt`, `st`, `hm`, `frp`, `mc`) and the window's totals (`wn`, `wfl`); writes
 * the snapshot variables and `allowed`, `istrial`, `retry`.
 */
export function circuitRulesLua(): string {
  return `${CIRCUIT_RULES.map(branch)
    .map((b, index) => (index === 0 ? b : `else${b}`))
    .join('\n')}\nend`;
}
