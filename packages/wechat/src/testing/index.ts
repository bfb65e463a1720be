// Test helpers of @switchboard/wechat, exported as `@switchboard/wechat/testing`.
export { FakeKfApi, kfText, type FakeKfRequest, type FakeKfSend, type FakeSyncPage } from './fake-kf-api.js';
