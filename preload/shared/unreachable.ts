/**
 * Ends a switch over a union: a new member that no case handles fails to compile here, rather than
 * falling through at run time (a new answer kind would otherwise leave its job "fetching" forever).
 */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
