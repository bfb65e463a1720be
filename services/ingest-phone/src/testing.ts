// Test helpers of @switchboard/ingest-phone for other packages' tests (`@switchboard/ingest-phone/testing`).
export { TwilioRestStub, type StubRequest } from './testing/twilio-stub.js';
