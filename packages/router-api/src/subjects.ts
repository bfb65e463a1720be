/**
 * Subjects of a domain's router API (request/reply, JSON bodies). Only the replica that owns the
 * domain subscribes, so a request reaches the one process allowed to change that domain.
 */
export function routerSubjects(root: string, domain: string): { command: string; query: string } {
  return { command: `${root}.router.${domain}.cmd`, query: `${root}.router.${domain}.query` };
}
