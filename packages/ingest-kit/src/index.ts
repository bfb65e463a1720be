// The public surface of @switchboard/ingest-kit: what every ingestion service shares.
export { connectIngestBus, createIngestBus, type ConnectIngestBusOptions, type IngestBus } from './bus-link.js';
export { CHANNEL_TOKENS, channelToken, type IngestChannel } from './channel.js';
export { IngestConfigError, loadIngestConfig, optionalSecret, type IngestConfig, type PortSetting } from './config.js';
export { deterministicContactId, isContactId } from './contact-id.js';
export { classifyError, RateLimitedError, UNAVAILABLE_RETRY_AFTER_SECONDS, type IngestFailure } from './error-mapper.js';
export { AuthError, BODY_FIELD, INGEST_ERROR_CODES, PayloadTooLargeError, ValidationError } from './errors.js';
export { parseFormBody, registerBodyParsers, verifyRequestOnce, type FormBody, type RawBodyVerifier } from './body-parsers.js';
export {
  DEFAULT_HTTP_TIMEOUTS, DEFAULT_SOURCE_LIMITS, httpTimeoutsFromEnv, sourceLimitsFromEnv, trustProxyFromEnv, type HttpTimeouts, type SourceLimits, type TrustProxy,
} from './http-limits.js';
export { checkIdempotencyKey, IDEMPOTENCY_KEY_PATTERN, isIdempotencyKey } from './idempotency-key.js';
export { createHttpErrorHandler, httpReplyFor, type HttpErrorBody, type HttpFailureReply } from './http-errors.js';
export { ingestRegistry } from './ingest-metrics.js';
export { createIngestHttpServer, type IngestHttpServerOptions, type RateLimitOptions } from './http-server.js';
export { contactMsgId, createContactPublisher, type ContactPublisher, type ContactPublisherOptions } from './publisher.js';
export { followRoutingEvents, OFFER_ACCEPTED_EVENT, type RoutingFollowerOptions } from './routing-follower.js';
export {
  parseSurveyScore, signSurveyLink, SURVEY_COMMENT_MAX, SURVEY_OFFERED_EVENT, surveyAnswerUpdate, surveyComment, surveyQuestion, surveyRequestOf, surveyThanksText, verifySurveyLink,
  type SurveyLinkClaims, type SurveyLinkProblem, type SurveyRequest,
} from './survey.js';
export { casPut, guardKv } from './kv-store.js';
export { runIngestService, runIngestServices, type RunIngestServiceOptions, type RunIngestServicesOptions } from './run-service.js';
export {
  IngestStartError, startIngestServices, type IngestRuntime, type IngestServiceDefinition, type RunningIngestServices, type RunningService,
  type StartIngestServicesOptions,
} from './service-group.js';
export { bearerToken, constantTimeEqual, hmacBase64, hmacHex } from './secrets.js';
export { retryAfterSeconds, SourceLimiter, type LimitDecision } from './source-limiter.js';
export { withReceiveSpan } from './spans.js';
export { parseJsonOrThrow, parseOrThrow } from './validation.js';
export { DEFAULT_REPLAY_BUCKET, DEFAULT_REPLAY_WINDOW_SECONDS, ReplayGuard, type SignedRequestStamp } from './replay-guard.js';
export {
  actionText, callbackConfirmedText, callbackOfferText, customerLanguage, followUpConfirmedText, positionText, sayLanguage, type CustomerLanguage, type ExceptionReason,
} from './customer-messages.js';
export { followCustomerNotices, type CustomerNoticeOptions } from './customer-notices.js';
