export { audit, type AuditInput, type AuditReport, type CapacityByAgent, type Finding, type FindingKind } from './audit.js';
export { readDomainRecord } from './read-record.js';
