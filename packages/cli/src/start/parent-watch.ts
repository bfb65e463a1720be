/**
 * Preloaded (`--import`) into every service `pnpm start` launches, which it spawns with an IPC
 * channel. When the launcher dies — even by SIGKILL, which it cannot pass on — the channel
 * closes, and the service shuts down as on SIGTERM (its own graceful drain) instead of living on
 * as an orphan holding its ports. The channel is unref'ed: it never keeps a service alive.
 */
const channel = process.channel;
if (channel !== undefined) {
  channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    // A service whose drain hangs must still go.
    setTimeout(() => process.exit(1), 15_000).unref();
  });
}
export {};
