import { measureCeiling, startBenchServers, type BenchServers, type Ceiling } from '@switchboard/bench';

/**
 * What the targets of one `switchboard bench` run share: one pair of private NATS/Redis servers
 * and the machine's ceiling measured on them, so every figure in the run's JSON sits beside the
 * ceiling of the same run. Both start lazily (the `core` target alone needs neither).
 */
export class BenchSession {
  private serversP: Promise<BenchServers> | undefined;
  private ceilingP: Promise<Ceiling> | undefined;

  constructor(private readonly ceilingSize: number) {}

  servers(): Promise<BenchServers> {
    this.serversP ??= startBenchServers();
    return this.serversP;
  }

  ceiling(): Promise<Ceiling> {
    this.ceilingP ??= this.servers().then((s) => measureCeiling(s, this.ceilingSize));
    return this.ceilingP;
  }

  /** The ceiling if some target measured it (never starts a measurement). */
  async measuredCeiling(): Promise<Ceiling | undefined> {
    return this.ceilingP?.catch(() => undefined);
  }

  /** Destroys the private servers (they hold nothing worth keeping). */
  async close(): Promise<void> {
    const servers = this.serversP;
    this.serversP = undefined;
    if (servers) await (await servers).close();
  }
}
