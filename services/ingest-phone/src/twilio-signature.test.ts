import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import twilio from 'twilio';
import { computeTwilioSignature, isValidTwilioSignature } from './twilio-signature.js';

// Twilio's published request-validation vectors (its SDKs' RequestValidator tests).
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

describe('Twilio signatures', () => {
  it('reproduces the published vectors', () => {
    expect(computeTwilioSignature(TOKEN, URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    const repeated = { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] };
    expect(computeTwilioSignature(TOKEN, URL, repeated)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
    expect(isValidTwilioSignature(TOKEN, 'g9IN/x4Cft2g517EjYvEvM/W7LU=', 'https://MyCompany.com/myapp.php?foo=1&bar=2', PARAMS)).toBe(true);
  });

  it('accepts the URL with and without the default port, as the SDKs do', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(isValidTwilioSignature(TOKEN, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', withPort, PARAMS)).toBe(true);
    const signedWithPort = twilio.getExpectedTwilioSignature(TOKEN, withPort, PARAMS);
    expect(isValidTwilioSignature(TOKEN, signedWithPort, URL, PARAMS)).toBe(true);
  });

  it('refuses tampering with the URL, a value, the token or the signature', () => {
    const good = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(isValidTwilioSignature(TOKEN, good, `${URL}&x=1`, PARAMS)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, good, URL, { ...PARAMS, Digits: '9999' })).toBe(false);
    expect(isValidTwilioSignature('54321', good, URL, PARAMS)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, undefined, URL, PARAMS)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, 'invalid 王', URL, PARAMS)).toBe(false);
  });

  it('agrees with the twilio package on random requests', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
    const value = fc.oneof(fc.string(), fc.array(fc.string(), { minLength: 1, maxLength: 3 }));
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.dictionary(name, value), fc.webUrl({ withQueryParameters: true }), (token, params, url) => {
      const ours = computeTwilioSignature(token, url, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(token, url, params));
      expect(twilio.validateRequest(token, ours, url, params)).toBe(true);
    }), { numRuns: 200 });
  });
});
