import { spawn, type ChildProcess } from 'node:child_process';
import { waitForPort } from './free-port.js';

/** A server binary this test kit started; stopped by its own pid, never by name. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly name: string,
    private readonly binary: string,
    private readonly args: readonly string[],
    readonly port: number,
  ) {}

  /** Starts the binary and waits until its port accepts connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.binary, [...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-4000); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`${this.name}: cannot run ${this.binary}: ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`${this.name} exited (${code}) before listening:\n${this.output}`)));
    });
    exited.catch(() => undefined);
    await Promise.race([waitForPort(this.port), exited]);
    child.removeAllListeners('exit');
    child.once('exit', () => { if (this.child === child) this.child = undefined; });
  }

  /** Stops it gracefully (SIGTERM), or kills it after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    await this.signal('SIGTERM', graceMs);
  }

  /** `kill -9`: the crash a fault test wants. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 5_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  private async signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) { this.child = undefined; return; }
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
    this.child = undefined;
  }
}
