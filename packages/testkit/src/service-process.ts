import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { testCommandKeyEnv } from './command-keys.js';

/** The repository root (this file sits in packages/testkit/src). */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServiceProcessOptions {
  /** Entry file relative to the repository root, e.g. `services/router/src/main.ts`. */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  /** Resolves true once the service is up (e.g. its /healthz answers). */
  readonly ready: () => Promise<boolean>;
  readonly startTimeoutMs?: number;
  readonly nodeArgs?: readonly string[];
}

/**
 * A Switchboard service running as its own process, as in production. It runs as one node
 * process with the tsx loader (not through a wrapper), so `kill9()` reaches the service itself.
 */
export class ServiceProcess {
  private output = '';

  private constructor(readonly child: ChildProcess, readonly entry: string) {
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-2_000_000); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', '--conditions=@switchboard/source', join(REPO_ROOT, options.entry)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...testCommandKeyEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, options.entry);
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    while (!(await options.ready().catch(() => false))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${options.entry} did not start:\n${service.output.slice(-5_000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process printed (the last 2 MB). */
  get logs(): string {
    return this.output;
  }

  /** The crash a fault test wants: no shutdown hooks run. */
  kill9(): void {
    this.child.kill('SIGKILL');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
