import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStream } from 'pino';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { startTestTelemetry } from './sdk/test-telemetry.js';
import type { TestTelemetry } from './sdk/test-telemetry.js';
import { getTracer, withSpan } from './spans/with-span.js';

const PHONE_CN = '+8613800138000';
const PHONE_US = '+14155550100';
const EMAIL = 'li.wei@example.com';
const OPENID = 'oLVPpjqs9BhvzwPj5A-vTYAX3GLc';
const EXTERNAL_USERID = 'wmAJ2GCAAAXtWyujaWJHDDGi0mACHAAA';
// The bare digits too: a partial redaction that kept them would still leak the number.
const SECRETS = [PHONE_CN, '13800138000', PHONE_US, '4155550100', EMAIL, OPENID, EXTERNAL_USERID];

function capture(): { logger: Logger; raw: () => string; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const destination: DestinationStream = { write: (line) => void written.push(line) };
  const logger = createLogger({ service: 'test-service', level: 'debug', destination });
  return {
    logger,
    raw: () => written.join(''),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

function expectNoSecrets(raw: string): void {
  for (const secret of SECRETS) expect(raw).not.toContain(secret);
}

describe('createLogger redaction', () => {
  it('redacts the message, top-level fields and nested fields', () => {
    const { logger, raw, lines } = capture();
    const fields = {
      note: `sms sent to ${PHONE_CN}`,
      from: PHONE_US,
      customer: { phoneNumber: PHONE_CN, emailAddress: EMAIL, segment: 'retail' },
      history: [{ channel: 'wechat', handle: OPENID }, { deeper: { kf: `user ${EXTERNAL_USERID}` } }],
    };

    logger.info(fields, `contact from ${PHONE_CN}, ${EMAIL}, ${OPENID}`);

    expectNoSecrets(raw());
    const [line] = lines();
    expect(line).toMatchObject({
      service: 'test-service',
      level: 'info',
      msg: 'contact from [phone], [email], [openid]',
      note: 'sms sent to [phone]',
      from: '[phone]',
      customer: { phoneNumber: '[phone]', emailAddress: '[email]', segment: 'retail' },
      history: [{ channel: 'wechat', handle: '[openid]' }, { deeper: { kf: 'user [openid]' } }],
    });
    // The caller's object is copied, never rewritten.
    expect(fields.customer.phoneNumber).toBe(PHONE_CN);
    expect(fields.history[0]).toEqual({ channel: 'wechat', handle: OPENID });
  });

  it('redacts known personal fields whatever their format, at any depth', () => {
    const { logger, raw, lines } = capture();
    logger.info({
      caller: 'anonymous-7',
      customer: { phoneNumber: '138.0013.8000', displayName: 'Li Wei' },
      event: { contact: { customer: { emailAddress: 'li wei at example' }, channelIds: { wechatOpenid: 'o-short' } } },
      replay: { from: '2025-01-15', to: '2025-01-16' },
    }, 'known keys');

    expect(raw()).not.toContain('138.0013.8000');
    expect(raw()).not.toContain('Li Wei');
    expect(raw()).not.toContain('o-short');
    expect(lines()[0]).toMatchObject({
      caller: '[redacted]',
      customer: { phoneNumber: '[phone]', displayName: '[redacted]' },
      event: { contact: { customer: { emailAddress: '[email]' }, channelIds: { wechatOpenid: '[openid]' } } },
      // `from`/`to` are personal only at the top of a line; nested they are time ranges.
      replay: { from: '2025-01-15', to: '2025-01-16' },
    });
  });

  it('redacts printf arguments, errors and child bindings', () => {
    const { logger, raw, lines } = capture();
    const child = logger.child({ component: 'ingest-phone', lastCaller: PHONE_US });

    child.info('callback %s for %j', PHONE_CN, { email: EMAIL });
    child.error(new Error(`no agent for ${OPENID}`));
    child.warn({ err: new Error(`bounce from ${EMAIL}`) });

    expectNoSecrets(raw());
    const [printf, thrown, wrapped] = lines();
    expect(printf).toMatchObject({ component: 'ingest-phone', lastCaller: '[phone]' });
    expect(printf?.msg).toBe('callback [phone] for {"email":"[email]"}');
    expect(thrown?.msg).toBe('no agent for [openid]');
    expect(thrown?.err).toMatchObject({ type: 'Error', message: 'no agent for [openid]' });
    expect(String((thrown?.err as { stack?: unknown }).stack)).toContain('no agent for [openid]');
    expect(wrapped?.msg).toBe('bounce from [email]');
  });

  it('keeps lines without personal data intact', () => {
    const { logger, lines } = capture();
    logger.info({ contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', queueId: 'billing', waitMs: 1500 }, 'contact queued');
    expect(lines()[0]).toMatchObject({
      msg: 'contact queued',
      contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      queueId: 'billing',
      waitMs: 1500,
    });
  });
});

describe('createLogger trace correlation', () => {
  let telemetry: TestTelemetry;
  beforeAll(() => {
    telemetry = startTestTelemetry();
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('adds the active span ids, across awaits, and nothing outside a span', async () => {
    const { logger, lines } = capture();
    const tracer = getTracer('logger-test');

    logger.info('before');
    const spanContext = await withSpan(tracer, 'handle contact', {}, async (span) => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ component: 'router' }).info('after await');
      return span.spanContext();
    });
    logger.info('after');

    const [before, inside, afterAwait, after] = lines();
    expect(spanContext.traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const line of [inside, afterAwait]) {
      expect(line).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    }
    expect(before).not.toHaveProperty('trace_id');
    expect(after).not.toHaveProperty('trace_id');
    expect(after).not.toHaveProperty('span_id');
  });
});
