import { describe, expect, it } from 'vitest';
import { ValidationError } from '@switchboard/ingest-kit';
import { parseVisitorFrame } from './frames.js';

function refusal(text: string): { field: string; rule: string; message: string } {
  try {
    parseVisitorFrame(text);
  } catch (error) {
    if (error instanceof ValidationError) return { field: error.field, rule: error.rule, message: error.message };
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe('visitor frames', () => {
  it('accepts a callback with an E.164 number and leave-email with an address and an optional message', () => {
    expect(parseVisitorFrame('{"type":"callback","number":"+8613800138000"}')).toEqual({ type: 'callback', number: '+8613800138000' });
    expect(parseVisitorFrame('{"type":"leave-email","address":"li.lei@example.com"}')).toEqual({ type: 'leave-email', address: 'li.lei@example.com' });
    expect(parseVisitorFrame('{"type":"leave-email","address":"li.lei@example.com","message":" 请回复我 "}')).toMatchObject({ message: '请回复我' });
  });

  it('names the number and says what E.164 is for a bad callback number', () => {
    for (const number of ['13800138000', '+0123456789', '+86 138 0013 8000', '+123', '+1234567890123456']) {
      const r = refusal(JSON.stringify({ type: 'callback', number }));
      expect(r.field).toBe('number');
      expect(r.message).toMatch(/E\.164/);
    }
    expect(refusal('{"type":"callback"}')).toMatchObject({ field: 'number', rule: 'required' });
  });

  it('refuses an unknown frame type by naming the type and the known ones', () => {
    const r = refusal('{"type":"hangup"}');
    expect(r.field).toBe('type');
    expect(r.message).toMatch(/unknown frame type.*callback.*leave-email/);
    expect(refusal('{"text":"hi"}').field).toBe('type');
  });

  it('refuses a bad address, an empty message and unknown fields, and text that is not JSON', () => {
    expect(refusal('{"type":"leave-email","address":"not-an-address"}')).toMatchObject({ field: 'address' });
    expect(refusal('{"type":"leave-email","address":"a@example.com","message":"  "}')).toMatchObject({ field: 'message' });
    expect(refusal('{"type":"callback","number":"+8613800138000","extra":1}')).toMatchObject({ field: 'extra', rule: 'unrecognized_keys' });
    expect(refusal('{not json')).toMatchObject({ field: '(body)', rule: 'json' });
  });
});
