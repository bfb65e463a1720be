import { describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { identifierOf } from './customer-service.js';

describe('CustomerService identifiers', () => {
  it('takes a known kind with a value it can have, and says which field is wrong otherwise', () => {
    expect(identifierOf({ kind: 'phone', value: ' +8613800138000 ' }, 'identifier')).toEqual({ kind: 'phone', value: '+8613800138000' });
    expect(identifierOf({ kind: 'wechat', value: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' }, 'identifiers.1')).toEqual({ kind: 'wechat', value: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' });
    const refused = (id: Parameters<typeof identifierOf>[0]) => { try { identifierOf(id, 'identifiers.0'); } catch (e) { return e as { code: number; message: string }; } return undefined; };
    expect(refused(undefined)).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(refused({ kind: 'fax', value: '1' })?.message).toMatch(/identifiers\.0\.kind.*unknown kind "fax"/);
    expect(refused({ kind: 'phone', value: '13800138000' })?.message).toMatch(/identifiers\.0\.value.*E\.164/);
    expect(refused({ kind: 'email', value: 'not-an-address' })?.message).toMatch(/not an email address/);
    expect(refused({ kind: 'chat', value: 'x'.repeat(257) })?.message).toMatch(/1 to 256 characters/);
  });
});
