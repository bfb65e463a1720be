import { describe, expect, it } from 'vitest';
import { parseSurveyScore, signSurveyLink, verifySurveyLink } from './survey.js';

const SECRET = 'a-survey-link-secret-of-32-bytes!!';
const NOW = 1_800_000_000_000;
const claims = { domain: 'd1', contactId: 'email-01J0000000000000000000000', expiresAtMs: NOW + 86_400_000 };

describe('signed survey links', () => {
  it('verifies a genuine link until it expires, and not after', () => {
    const token = signSurveyLink(SECRET, claims);
    expect(verifySurveyLink(SECRET, token, NOW)).toEqual({ ok: true, claims });
    expect(verifySurveyLink(SECRET, token, claims.expiresAtMs - 1).ok).toBe(true);
    expect(verifySurveyLink(SECRET, token, claims.expiresAtMs)).toEqual({ ok: false, problem: 'expired' });
  });

  it('refuses a tampered link: another contact, a later expiry, a changed signature, another secret', () => {
    const token = signSurveyLink(SECRET, claims);
    const [payload, signature] = token.split('.') as [string, string];
    const forged = (text: string) => `${Buffer.from(text).toString('base64url')}.${signature}`;
    // The same signature over another contact's claims (a customer editing their link to rate someone else's contact).
    expect(verifySurveyLink(SECRET, forged(`d1\nemail-01J9999999999999999999999\n${claims.expiresAtMs}`), NOW)).toEqual({ ok: false, problem: 'bad-signature' });
    expect(verifySurveyLink(SECRET, forged(`d1\n${claims.contactId}\n${claims.expiresAtMs + 86_400_000}`), NOW)).toEqual({ ok: false, problem: 'bad-signature' });
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    expect(verifySurveyLink(SECRET, `${payload}.${flipped}`, NOW)).toEqual({ ok: false, problem: 'bad-signature' });
    expect(verifySurveyLink('another-secret-of-the-same-length!!', token, NOW)).toEqual({ ok: false, problem: 'bad-signature' });
    // A link for another contact, properly signed, names that contact only.
    const other = signSurveyLink(SECRET, { ...claims, contactId: 'chat-other' });
    expect(verifySurveyLink(SECRET, other, NOW)).toMatchObject({ ok: true, claims: { contactId: 'chat-other' } });
  });

  it('refuses what is not a link at all', () => {
    for (const token of ['', 'abc', 'a.b.c', '.sig', `${'x'.repeat(2_000)}.y`]) expect(verifySurveyLink(SECRET, token, NOW)).toMatchObject({ ok: false });
  });
});

describe('survey scores', () => {
  it('takes a whole number from 1 to 5 only', () => {
    expect(['1', ' 5 ', 3].map(parseSurveyScore)).toEqual([1, 5, 3]);
    expect(['0', '6', '4.5', '１', 'five', '', undefined, '10'].map(parseSurveyScore)).toEqual(Array(8).fill(undefined));
  });
});
