/** Pure: `err` and the errors in its `cause` chain, outermost first, at most `max` (chains can be cyclic). */
export function errorChain(err: unknown, max = 8): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < max && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}

/** Pure: one line, the messages of `err`'s cause chain joined by ": " (a non-Error is stringified). */
export function describeErrorChain(err: unknown, max = 4): string {
  const chain = errorChain(err, max);
  return chain.length ? chain.map((e) => e.message).join(': ') : String(err);
}
