import { IngestConfigError, type IngestServiceDefinition } from '@switchboard/ingest-kit';
import { chatIngestService } from '@switchboard/ingest-chat';
import { emailIngestService } from '@switchboard/ingest-email';
import { grpcIngestService } from '@switchboard/ingest-grpc';
import { phoneIngestService } from '@switchboard/ingest-phone';
import { wechatIngestService } from '@switchboard/ingest-wechat';

/** Every ingestion service this process can run, in the order they are listed and started. */
export const INGEST_SERVICES: readonly IngestServiceDefinition[] = [phoneIngestService, emailIngestService, chatIngestService, wechatIngestService, grpcIngestService];

/**
 * The services to run: those named in `INGEST_ALL_SERVICES` (comma-separated, e.g.
 * `ingest-phone,ingest-email`), else all of them. A deployment without chat leaves `ingest-chat`
 * out rather than give it a secret it does not use.
 * @throws IngestConfigError for a name that is not an ingestion service, or a list naming none.
 */
export function selectIngestServices(env: NodeJS.ProcessEnv): IngestServiceDefinition[] {
  const text = env.INGEST_ALL_SERVICES?.trim();
  if (!text) return [...INGEST_SERVICES];
  const names = new Set(text.split(',').map((name) => name.trim()).filter(Boolean));
  const known = INGEST_SERVICES.map((s) => s.service);
  const unknown = [...names].filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new IngestConfigError(`INGEST_ALL_SERVICES names ${unknown.map((n) => `"${n}"`).join(', ')}: not an ingestion service (known: ${known.join(', ')})`);
  if (names.size === 0) throw new IngestConfigError(`INGEST_ALL_SERVICES="${text}" names no service (known: ${known.join(', ')})`);
  return INGEST_SERVICES.filter((s) => names.has(s.service));
}
