import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { agentProfileSchema } from '@switchboard/router-api';
import type { AgentProfile } from '@switchboard/routing-core';

const entrySchema = agentProfileSchema.extend({
  displayName: z.string().max(200).default(''),
});

/** The agent directory file: who may sign in and with what profile. */
export const directorySchema = z.object({ agents: z.array(entrySchema) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  for (const [i, agent] of file.agents.entries()) {
    if (seen.has(agent.id)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'id'], message: `duplicate agent id "${agent.id}"` });
    seen.add(agent.id);
  }
});

/** One agent as the directory lists it: the routing profile plus what desktops show. */
export type DirectoryEntry = AgentProfile & { readonly displayName: string };

/** Thrown at start-up for an unreadable or invalid directory file; the message names the entry. */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
}

/**
 * Agent profiles (skills, languages, team, capacity, served queues) by agent id. Profiles come
 * from here, never from the desktop, so an agent cannot grant itself skills or queues.
 */
export class AgentDirectory {
  private readonly byId: ReadonlyMap<string, DirectoryEntry>;

  constructor(entries: readonly DirectoryEntry[]) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
  }

  /** Validates a parsed directory document. @throws DirectoryError naming the broken field. */
  static from(document: unknown): AgentDirectory {
    const parsed = directorySchema.safeParse(document);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DirectoryError(`agent directory: ${issue.path.join('.')}: ${issue.message}`);
    }
    return new AgentDirectory(parsed.data.agents);
  }

  /** Reads and validates `AGENT_DIRECTORY_FILE`. @throws DirectoryError */
  static load(file: string): AgentDirectory {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new DirectoryError(`agent directory ${file} unreadable: ${(error as Error).message}`);
    }
    try {
      return AgentDirectory.from(JSON.parse(text));
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw new DirectoryError(`agent directory ${file} is not JSON: ${(error as Error).message}`);
    }
  }

  get(agentId: string): DirectoryEntry | undefined {
    return this.byId.get(agentId);
  }

  /** Agents of a team, in directory order. */
  team(team: string): DirectoryEntry[] {
    return [...this.byId.values()].filter((a) => a.team === team);
  }
}
