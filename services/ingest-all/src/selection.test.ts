import { describe, expect, it } from 'vitest';
import { IngestConfigError } from '@switchboard/ingest-kit';
import { selectIngestServices } from './selection.js';

const names = (env: NodeJS.ProcessEnv) => selectIngestServices(env).map((s) => s.service);

describe('INGEST_ALL_SERVICES', () => {
  it('runs every ingestion service when unset or empty, each with its own port variables', () => {
    const all = ['ingest-phone', 'ingest-email', 'ingest-chat', 'ingest-wechat', 'ingest-grpc'];
    expect(names({})).toEqual(all);
    expect(names({ INGEST_ALL_SERVICES: ' ' })).toEqual(all);
    const ports = selectIngestServices({}).flatMap((s) => Object.values(s.ports).map((p) => p.env));
    expect(ports).toEqual(['INGEST_PHONE_PORT', 'INGEST_EMAIL_PORT', 'INGEST_EMAIL_SMTP_PORT', 'INGEST_CHAT_PORT', 'INGEST_WECHAT_PORT', 'INGEST_GRPC_PORT', 'INGEST_GRPC_HTTP_PORT']);
  });

  it('each service reads its secrets as files too (NAME_FILE, as deploy/ gives them), the one process all of them', () => {
    const secrets = Object.fromEntries(selectIngestServices({}).map((s) => [s.service, s.secrets ?? []]));
    expect(secrets).toEqual({
      'ingest-phone': ['PHONE_WEBHOOK_SECRET', 'TWILIO_AUTH_TOKEN'],
      'ingest-email': ['EMAIL_WEBHOOK_SIGNING_KEY', 'EMAIL_SMTP_RELAY_URL', 'EMAIL_SURVEY_SECRET'],
      'ingest-chat': ['CHAT_SESSION_SECRET', 'CHAT_IDENTITY_SECRET'],
      'ingest-wechat': ['WECHAT_OA_TOKEN', 'WECHAT_OA_AES_KEY', 'WECHAT_WORK_TOKEN', 'WECHAT_WORK_AES_KEY', 'WECHAT_KF_SECRET'],
      'ingest-grpc': ['INGEST_GRPC_TOKEN'],
    });
  });

  it('runs the named ones in the usual order, ignoring blanks and repeats', () => {
    expect(names({ INGEST_ALL_SERVICES: 'ingest-wechat, ingest-phone,,ingest-phone' })).toEqual(['ingest-phone', 'ingest-wechat']);
  });

  it('refuses a name that is not an ingestion service, naming it and the known ones', () => {
    expect(() => selectIngestServices({ INGEST_ALL_SERVICES: 'ingest-phone,router' })).toThrow(IngestConfigError);
    expect(() => selectIngestServices({ INGEST_ALL_SERVICES: 'ingest-phone,router' })).toThrow('INGEST_ALL_SERVICES names "router": not an ingestion service (known: ingest-phone, ingest-email, ingest-chat, ingest-wechat, ingest-grpc)');
    expect(() => selectIngestServices({ INGEST_ALL_SERVICES: ',' })).toThrow('names no service');
  });
});
