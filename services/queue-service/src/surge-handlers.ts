import { SurgeMode, type SetSurgeModeRequest, type SetSurgeModeResponse } from '@switchboard/contracts';
import { callRouter, check, requireRole, type Principal } from '@switchboard/grpc-edge';
import type { QueueServiceDeps } from './deps.js';
import { domainOf, routerQueue } from './router-queries.js';

/**
 * SetSurgeMode (supervisor): ON or OFF pins the queue's surge mode (the forecast no longer
 * changes it) and goes on ROUTING with the supervisor's reason; AUTO hands it back to the forecast.
 */
export async function setSurgeMode(deps: QueueServiceDeps, request: SetSurgeModeRequest, principal: Principal): Promise<SetSurgeModeResponse> {
  requireRole(principal, ['supervisor'], 'SetSurgeMode');
  check(request.queueId !== '', 'queue_id', 'required', 'required');
  const known = [SurgeMode.SURGE_MODE_AUTO, SurgeMode.SURGE_MODE_ON, SurgeMode.SURGE_MODE_OFF];
  check(known.includes(request.mode), 'mode', 'required', 'AUTO, ON or OFF');
  const pinning = request.mode !== SurgeMode.SURGE_MODE_AUTO;
  check(!pinning || request.reason.trim() !== '', 'reason', 'required', 'say why (it goes on the record)');
  check(request.reason.length <= 500, 'reason', 'too_long', 'at most 500 characters');
  const domain = domainOf(deps, principal, request.domain);
  const before = await routerQueue(deps, domain, request.queueId);
  const active = pinning ? request.mode === SurgeMode.SURGE_MODE_ON : before.mode?.surge.active ?? false;
  const reason = request.reason.trim() || 'handed back to the forecast';
  await callRouter(() => deps.router(domain).command({
    type: 'SET_SURGE', queueId: request.queueId, active, source: 'SUPERVISOR', reason, by: principal.subject, ...(pinning ? {} : { release: true }),
  }));
  return { active };
}
