import { AuditFindingKind, GetAuditReportResponse } from '@switchboard/contracts';
import { audit, readDomainRecord, type FindingKind } from '@switchboard/auditor';
import type { RoutingSource } from './read-routing.js';

const KIND: Record<FindingKind, AuditFindingKind> = {
  CONTACT_LOST: AuditFindingKind.AUDIT_FINDING_KIND_CONTACT_LOST,
  DOUBLE_ASSIGNMENT: AuditFindingKind.AUDIT_FINDING_KIND_DOUBLE_ASSIGNMENT,
  AGENT_OVER_CAPACITY: AuditFindingKind.AUDIT_FINDING_KIND_AGENT_OVER_CAPACITY,
  ORDER_VIOLATION: AuditFindingKind.AUDIT_FINDING_KIND_ORDER_VIOLATION,
  PAST_LIMIT: AuditFindingKind.AUDIT_FINDING_KIND_PAST_LIMIT,
};

/**
 * The auditor's findings over the domain's whole retained record (CONTACTS and ROUTING): the
 * checks replay history from the start, so a partial window would report false losses. This is
 * a full read of both streams, meant for on-demand audits, not dashboards.
 */
export async function runAudit(source: RoutingSource): Promise<GetAuditReportResponse> {
  const record = await readDomainRecord(source.js, source.jsm, source.names, source.domain);
  const report = audit(record);
  return GetAuditReportResponse.fromPartial({
    contactsAccepted: report.accepted,
    contactsFinished: report.finished,
    contactsOpen: report.open,
    findings: report.findings.map((f) => ({ kind: KIND[f.kind], contactId: f.contactId ?? '', agentId: f.agentId ?? '', detail: f.detail })),
  });
}
