/** One simulated agent's profile, as the router's SIGN_IN takes it. */
export interface DemoAgent {
  readonly id: string;
  readonly team: string;
  readonly skills: Readonly<Record<string, number>>;
  readonly languages: readonly string[];
  readonly capacity: Readonly<Record<string, number>>;
  readonly queues: readonly { queueId: string; priority: number }[];
}

interface Team {
  readonly team: string;
  readonly skills: Readonly<Record<string, number>>;
  readonly queues: readonly { queueId: string; priority: number }[];
  /** Languages of successive members, cycled: most speak English, some Chinese, a few Spanish. */
  readonly languages: readonly (readonly string[])[];
  readonly share: number;
}

// Queues and skills match services/router/config/routing-rules.json (vip, complaints, after-sales,
// sales, general). Specialists also take general work at a lower priority, as real teams do; VIP desks take only VIP.
const TEAMS: readonly Team[] = [
  // The VIP desks serve VIP alone (the rules' dedicated pool): a VIP desk busy with a complaint
  // chat cannot take a call (phone is never blended), so a shared team left VIP callers waiting
  // whenever complaints were backed up (a surge on the live mesh measured VIP at 38-64 %). Every
  // VIP desk speaks the customers' three languages: with en+zh and en desks, a Spanish VIP caller
  // found no desk in the pool and a Chinese one only one of two.
  { team: 'vip', skills: { vip: 5, sales: 4, 'after-sales': 4, complaints: 4 }, share: 0.15,
    queues: [{ queueId: 'vip', priority: 10 }], languages: [['en', 'zh', 'es']] },
  { team: 'complaints', skills: { complaints: 5, 'after-sales': 3 }, share: 0.2,
    queues: [{ queueId: 'complaints', priority: 10 }, { queueId: 'general', priority: 1 }], languages: [['en'], ['zh', 'en'], ['en', 'es']] },
  { team: 'after-sales', skills: { 'after-sales': 4, complaints: 3 }, share: 0.2,
    queues: [{ queueId: 'after-sales', priority: 10 }, { queueId: 'complaints', priority: 1 }, { queueId: 'general', priority: 1 }], languages: [['en'], ['zh'], ['en', 'es']] },
  { team: 'sales', skills: { sales: 4 }, share: 0.2,
    queues: [{ queueId: 'sales', priority: 10 }, { queueId: 'general', priority: 2 }], languages: [['en'], ['en', 'zh'], ['es', 'en']] },
  { team: 'general', skills: { sales: 2, 'after-sales': 2 }, share: 0.25,
    queues: [{ queueId: 'general', priority: 10 }, { queueId: 'sales', priority: 1 }], languages: [['en'], ['zh', 'en'], ['en']] },
];

/** Per-channel concurrency of a desk: one call, or a few chats/WeChat threads/emails at once. */
const CAPACITY = { phone: 1, chat: 3, wechat: 3, email: 4 } as const;

/**
 * A roster of `size` agents spread over the teams by share (at least one per team), with ids like
 * `vip-1`, `sales-3`, so the console reads like a contact centre.
 */
export function demoRoster(size: number): DemoAgent[] {
  const agents: DemoAgent[] = [];
  for (const team of TEAMS) {
    const members = Math.max(1, Math.round(size * team.share));
    for (let i = 0; i < members; i++) {
      agents.push({
        id: `${team.team}-${i + 1}`,
        team: team.team,
        skills: team.skills,
        languages: team.languages[i % team.languages.length] ?? ['en'],
        capacity: CAPACITY,
        queues: team.queues,
      });
    }
  }
  return agents;
}
