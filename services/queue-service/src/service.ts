import type { ServerWritableStream } from '@grpc/grpc-js';
import type { QueueServiceServer, WatchQueuesRequest, WatchQueuesResponse } from '@switchboard/contracts';
import { check, failStream, onCallGone, serverStream, unary, type Principal } from '@switchboard/grpc-edge';
import { createQueue, getQueue, listQueues, updateQueue } from './config-handlers.js';
import { cancel, enqueue, getPosition, reprioritize, requestCallback } from './contact-handlers.js';
import { scoreQaReview } from './qa-handlers.js';
import { setSurgeMode } from './surge-handlers.js';
import type { QueueServiceDeps } from './deps.js';
import { domainOf } from './router-queries.js';
import { queueStats } from './stats.js';

/**
 * WatchQueues: the requested queues' figures now, then again after each routing event touching
 * one of them — at most every 250 ms per queue, so a busy queue does not flood the watcher.
 */
export async function watchQueues(deps: QueueServiceDeps, request: WatchQueuesRequest, principal: Principal, call: ServerWritableStream<WatchQueuesRequest, WatchQueuesResponse>): Promise<void> {
  const domain = domainOf(deps, principal, request.domain);
  const wanted = new Set(request.queueIds);
  const pending = new Map<string, NodeJS.Timeout>();
  const push = (queueId: string) => {
    pending.delete(queueId);
    queueStats(deps, domain, [queueId])
      .then(([stats]) => { if (stats && !call.cancelled && !call.writableEnded) call.write({ stats }); })
      .catch((error: unknown) => failStream(call, error, deps.logger));
  };
  const off = deps.rates.onChange((d, queueId) => {
    if (d !== domain || (wanted.size > 0 && !wanted.has(queueId)) || pending.has(queueId)) return;
    pending.set(queueId, setTimeout(() => push(queueId), 250));
  });
  const stop = () => { off(); for (const t of pending.values()) clearTimeout(t); pending.clear(); };
  // Also when the watcher left during authentication: its listener must not outlive the stream.
  onCallGone(call, stop);
  try {
    for (const stats of await queueStats(deps, domain, request.queueIds)) call.write({ stats });
  } catch (error) {
    stop(); // an unknown queue or a router that does not answer: no listener outlives the stream
    throw error;
  }
}

/** The QueueService implementation: every call authenticated, traced and mapped to a status once. */
export function queueService(deps: QueueServiceDeps): QueueServiceServer {
  const e = deps.edge;
  return {
    createQueue: unary(e, 'CreateQueue', (req, p) => createQueue(deps, req, p)),
    updateQueue: unary(e, 'UpdateQueue', (req, p) => updateQueue(deps, req, p)),
    getQueue: unary(e, 'GetQueue', (req, p) => getQueue(deps, req, p)),
    listQueues: unary(e, 'ListQueues', (req, p) => listQueues(deps, req, p)),
    enqueue: unary(e, 'Enqueue', (req, p) => enqueue(deps, req, p)),
    cancel: unary(e, 'Cancel', (req, p) => cancel(deps, req, p)),
    getPosition: unary(e, 'GetPosition', (req, p) => getPosition(deps, req, p)),
    reprioritize: unary(e, 'Reprioritize', (req, p) => reprioritize(deps, req, p)),
    getQueueStats: unary(e, 'GetQueueStats', async (req, p) => {
      check(req.queueId !== '', 'queue_id', 'required', 'required');
      const domain = domainOf(deps, p, req.domain);
      const [stats] = await queueStats(deps, domain, [req.queueId]);
      return { stats };
    }),
    watchQueues: serverStream(e, 'WatchQueues', (req, p, call) => watchQueues(deps, req, p, call)),
    requestCallback: unary(e, 'RequestCallback', (req, p) => requestCallback(deps, req, p)),
    setSurgeMode: unary(e, 'SetSurgeMode', (req, p) => setSurgeMode(deps, req, p)),
    scoreQaReview: unary(e, 'ScoreQaReview', (req, p) => scoreQaReview(deps, req, p)),
  };
}
