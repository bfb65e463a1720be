import { spawn, type ChildProcess } from 'node:child_process';
import { lineSplitter } from './log-format.js';

/** How to run one child and what to do with its output. */
export interface SupervisedOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Each line the child prints (stdout and stderr). */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** An unexpected exit: the code or signal, and the delay before the restart (undefined = none). */
  readonly onCrash: (exit: string, restartInMs: number | undefined) => void;
  /** Restart after a crash (services: yes; NATS/Redis the launcher started: no). */
  readonly restart: boolean;
  /** An IPC channel to the child: it closes when the launcher dies, which the child watches (see parent-watch.ts). */
  readonly ipc?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One child process the launcher owns. A crash is reported and, for services, followed by a
 * restart with exponential backoff (1 s doubling to 30 s, reset after a minute up), like
 * Kubernetes' CrashLoopBackOff: a dev mesh keeps the other services up and retries the broken
 * one rather than tearing everything down. Children run in their own process group so a
 * terminal's Ctrl-C reaches only the launcher, which stops them in order.
 */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private failures = 0;
  private startedAt = 0;
  private exited: Promise<void> = Promise.resolve();
  /** The last exit: its code, or null when a signal ended it (or it has not exited). */
  exitCode: number | null = null;

  constructor(readonly options: SupervisedOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    this.startedAt = Date.now();
    const child = spawn(this.options.command, [...this.options.args], {
      cwd: this.options.cwd, env: this.options.env, stdio: this.options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'], detached: true,
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = lineSplitter((line) => this.options.onLine(line, stream));
      child[stream]?.on('data', (chunk: Buffer) => lines.push(chunk));
      child[stream]?.on('end', () => lines.flush());
    }
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.options.onLine(`cannot run ${this.options.command}: ${error.message}`, 'stderr');
      });
      child.once('close', (code, signal) => {
        this.exitCode = code;
        resolve();
        if (this.child === child) this.child = undefined;
        if (!this.stopping) void this.crashed(signal ?? `code ${code}`);
      });
    });
  }

  private async crashed(exit: string): Promise<void> {
    if (Date.now() - this.startedAt > 60_000) this.failures = 0;
    this.failures += 1;
    const delay = this.options.restart ? Math.min(30_000, 1_000 * 2 ** (this.failures - 1)) : undefined;
    this.options.onCrash(exit, delay);
    if (delay === undefined) return;
    await sleep(delay);
    if (!this.stopping) this.start();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL to the child's whole process group (a service's own children die with it). */
  kill(): void {
    this.stopping = true;
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      this.child?.kill('SIGKILL');
    }
  }
}
