// The public surface of @switchboard/wechat: WeChat's callback crypto and XML (Official Account
// safe mode, WeCom, Customer Service) and the Customer Service API client with its cursor store.
export {
  KfSendFailure, WeChatApiError, WeChatErrorCode, WeChatProtocolError, WeChatSendError, type KfSendFailureValue, type WeChatErrorCodeValue,
} from './errors.js';
export { sha1Signature, signatureMatches, verifyMsgSignature, verifyPlainSignature } from './signature.js';
export { WECHAT_BLOCK_SIZE, pkcs7Pad, pkcs7Unpad } from './pkcs7.js';
export { createMessageCipher, decodeAesKey, type MessageCipher, type MessageCipherOptions, type RandomBytes } from './cipher.js';
export { MAX_XML_LENGTH, buildWeChatXml, optionalField, parseWeChatXml, requireExactField, requireField, type WeChatXml } from './xml.js';
export { createCallbackCrypto, type CallbackCrypto, type CallbackCryptoOptions, type EnvelopeQuery } from './callback.js';
export { dedupKey, MAX_CREATE_TIME, readInbound, type WeChatEvent, type WeChatInbound, type WeChatMessage } from './message.js';
export { DEFAULT_WECHAT_API_BASE, KF_TEXT_MAX_BYTES, WeChatApiClient, type WeChatApiClientOptions } from './kf/api-client.js';
export { DEFAULT_CURSOR_BUCKET, KvCursorStore, MemoryCursorStore, type CursorStore } from './kf/cursor-store.js';
export { KfOrigin, kfMessageSchema, type KfEvent, type KfMessage, type SyncMsgPage } from './kf/messages.js';
export {
  KfServiceState,
  canTransition,
  contactStateOf,
  isKfServiceState,
  stateAfterStatusChange,
  type KfServiceStateValue,
} from './kf/service-state.js';
export { syncKfMessages, type SyncKfOptions, type SyncKfResult } from './kf/sync.js';
