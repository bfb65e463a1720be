import { expect } from 'vitest';
import { spawnLauncher } from './launcher.js';

type Event = { occurredAt?: string; agentId?: string; offered?: unknown; accepted?: unknown };
type Snapshot = { agents?: { id: string; activeContactIds?: string[] }[] };
type Audit = { findings?: { kind: string; contactId?: string; agentId?: string; detail: string }[] };
type Run = ReturnType<typeof spawnLauncher>;

/** An agent's contact and when the agent last was given it (offer or accept), as ops's trace says. */
export interface Holding {
  readonly agentId: string;
  readonly contactId: string;
  readonly takenAtMs: number;
}

/** Must-show 3's bound: within 2 minutes of each restart. */
export const SETTLE_MS = 120_000;

/** Every contact an agent holds now (ops's snapshot), with the time of the agent's last offer or accept of it (its trace). */
export async function holdings(ops: string, headers: Record<string, string>): Promise<Holding[]> {
  const snapshot = (await (await fetch(`${ops}/api/snapshot`, { headers })).json()) as Snapshot;
  const out: Holding[] = [];
  for (const agent of snapshot.agents ?? []) {
    for (const contactId of agent.activeContactIds ?? []) {
      const trace = (await (await fetch(`${ops}/api/contacts/${encodeURIComponent(contactId)}/trace`, { headers })).json()) as { events?: Event[] };
      const taken = (trace.events ?? []).filter((e) => e.agentId === agent.id && (e.offered || e.accepted)).at(-1);
      out.push({ agentId: agent.id, contactId, takenAtMs: Date.parse(taken?.occurredAt ?? '') || 0 });
    }
  }
  return out;
}

/** Polls `probe` each second until it gives a value; throws naming `what` after `timeoutMs`. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  for (const until = Date.now() + timeoutMs; ;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Ctrl-C: SIGINT, and the launcher's own exit code within 30 s. */
export async function interrupt(run: Run): Promise<number | null | 'timeout'> {
  const exited = new Promise<number | null>((resolve) => run.launcher.once('exit', (code) => resolve(code)));
  run.launcher.kill('SIGINT');
  return Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
}

/** What one restart looked like. */
export interface RestartFigure {
  readonly restart: number;
  /** Contacts the desks held when Ctrl-C came. */
  readonly heldAtStop: number;
  /** Seconds from the new start until no agent held the earlier run's work (the launcher's own start-up included). */
  readonly settledAfterS: number;
}

/**
 * Issue 13, must-show 3, after a demo run was stopped with desks holding `heldAtStop` contacts:
 * `pnpm start --demo` again, twice (Ctrl-C between). After each start, within 2 minutes, every
 * contact an agent holds was offered to or taken by them after that start — nothing of the
 * earlier run's desktops, which are gone; then the auditor finds no contact held twice and none
 * overdue past its limit. Resolves the last run, still going, for the caller to stop.
 */
export async function restartTwice(args: string[], env: NodeJS.ProcessEnv, ops: string, headers: Record<string, string>, heldAtStop: number):
  Promise<{ run: Run; figures: RestartFigure[] }> {
  const figures: RestartFigure[] = [];
  let held = heldAtStop;
  let run: Run | undefined;
  for (let restart = 1; restart <= 2; restart++) {
    if (run) {
      held = (await poll(`run ${restart}'s desks holding work`, async () => {
        const now = await holdings(ops, headers);
        return now.length >= 3 ? now : undefined;
      }, 60_000)).length;
      expect(await interrupt(run), run.output().slice(-3_000)).toBe(0);
    }
    const restartedAt = Date.now();
    const current = spawnLauncher(args, env);
    run = current;
    try {
      await poll(`restart ${restart}: no agent holding the earlier run's work`, async () => {
        if (!current.output().includes('Switchboard is running')) return undefined;
        const stale = (await holdings(ops, headers)).filter((h) => h.takenAtMs < restartedAt);
        return stale.length === 0 ? true : undefined;
      }, SETTLE_MS);
    } catch (error) {
      current.launcher.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\nstill held: ${JSON.stringify((await holdings(ops, headers).catch(() => [])).filter((h) => h.takenAtMs < restartedAt))}` +
        `\n--- launcher output ---\n${current.output().slice(-4_000)}`);
    }
    figures.push({ restart, heldAtStop: held, settledAfterS: Math.round((Date.now() - restartedAt) / 1000) });
  }
  const audit = (await (await fetch(`${ops}/api/audit`, { headers, signal: AbortSignal.timeout(60_000) })).json()) as Audit;
  const stuck = (audit.findings ?? []).filter((f) => f.kind.endsWith('DOUBLE_ASSIGNMENT') || (f.kind.endsWith('PAST_LIMIT') && f.detail.includes('overdue')));
  expect(stuck).toEqual([]);
  return { run: run!, figures };
}
