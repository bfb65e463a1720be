import { afterEach, describe, expect, it } from 'vitest';
import { publishDurable, contactsSubject } from '@switchboard/bus';
import { Channel, ContactRecord, ContactUpdate, ContactUpdateKind } from '@switchboard/contracts';
import { createMetricsRegistry } from '@switchboard/metrics';
import { RouterHarness, testRules } from '../testing/router-harness.js';

function value(page: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = page.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.slice(0, l.indexOf('}')).includes(w)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * A survey answer (ContactUpdate SURVEY_ANSWERED on CONTACTS) becomes SurveyAnswered on ROUTING
 * once; a second answer, one for a contact never surveyed and one outside 1–5 change nothing and
 * are counted by reason.
 */
describe('survey answers in the router', () => {
  let h: RouterHarness;
  afterEach(async () => { await h?.close(); });

  it('records the first answer of a completed contact and counts the others by reason', async () => {
    const rules = testRules();
    (rules.queues as Record<string, unknown>[])[0]!.survey = { enabled: true, windowSeconds: 600 };
    h = await RouterHarness.create(rules);
    const registry = createMetricsRegistry({ service: 'router', processMetrics: false });
    await h.startRouter({ metrics: registry });
    const desk = h.desk('a1');
    await h.signIn({ id: 'a1' });
    await h.publishContact({ id: 's1' });
    await expect.poll(() => desk.find((e) => e.offered)).toBeDefined();
    await h.client.command({ type: 'ACCEPT', contactId: 's1', agentId: 'a1', offerToken: desk.find((e) => e.offered)!.offered!.reservationToken });
    await h.client.command({ type: 'COMPLETE', contactId: 's1', agentId: 'a1', disposition: 'resolved' });
    await expect.poll(() => desk.find((e) => e.surveyOffered)).toBeDefined();
    const answer = (contactId: string, score: number, id: string) => publishDurable(h.nats.js, contactsSubject(h.names, h.domain, 'phone'),
      ContactRecord.encode({ update: ContactUpdate.fromPartial({ contactId, domain: h.domain, channel: Channel.CHANNEL_PHONE,
        kind: ContactUpdateKind.CONTACT_UPDATE_KIND_SURVEY_ANSWERED, occurredAt: new Date(), messageId: id, surveyScore: score, surveyComment: 'ok' }) }).finish(),
      { msgId: id, expectStream: h.names.contactsStream });
    await answer('s1', 4, 'ans-1');
    await expect.poll(() => desk.find((e) => e.surveyAnswered)?.surveyAnswered).toMatchObject({ score: 4, comment: 'ok', channel: Channel.CHANNEL_PHONE });
    await answer('s1', 1, 'ans-2');
    await answer('nobody', 5, 'ans-3');
    await answer('s1', 9, 'ans-4');
    const refused = (reason: string) => async () => value(await registry.metrics(), 'sb_router_survey_answers_refused_total', { domain: h.domain, reason });
    await expect.poll(refused('ALREADY_ANSWERED')).toBe(1);
    await expect.poll(refused('NO_SURVEY')).toBe(1);
    await expect.poll(refused('INVALID')).toBe(1);
    expect(desk.filter((e) => e.surveyAnswered)).toHaveLength(1);
  });
});
