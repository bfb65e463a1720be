import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { onCallGone } from './calls.js';

/** The part of a grpc-js server stream `onCallGone` reads. */
function fakeCall(state: { cancelled?: boolean; destroyed?: boolean } = {}) {
  return Object.assign(new EventEmitter(), { cancelled: false, destroyed: false, writableFinished: false, ...state }) as unknown as
    ServerWritableStream<unknown, unknown> & EventEmitter;
}

describe('onCallGone', () => {
  it('runs once however many of cancelled, close and error the call emits', () => {
    const call = fakeCall();
    let runs = 0;
    onCallGone(call, () => runs++);
    expect(runs).toBe(0);
    call.emit('cancelled');
    call.emit('close');
    call.emit('error', new Error('gone'));
    expect(runs).toBe(1);
  });

  it('runs at once for a call cancelled before it was registered (grpc-js emits cancelled only once)', () => {
    const call = fakeCall();
    call.emit('cancelled'); // the client left during authentication or set-up
    (call as unknown as { cancelled: boolean }).cancelled = true;
    let runs = 0;
    onCallGone(call, () => runs++);
    expect(runs).toBe(1);
    call.emit('close');
    expect(runs).toBe(1);
    const destroyed = fakeCall({ destroyed: true });
    onCallGone(destroyed, () => runs++);
    expect(runs).toBe(2);
  });
});
