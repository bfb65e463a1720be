import { IngestConfigError, optionalSecret } from '@switchboard/ingest-kit';
import { DEFAULT_WECHAT_API_BASE, decodeAesKey } from '@switchboard/wechat';
import { DEFAULT_NOTICE_PACING, KF_SEND_BUDGET, type NoticePacing } from './kf-notice-plan.js';

/** WeChat accounts this replica serves, from the environment. */
export interface WeChatConfig {
  /** Official Account: `WECHAT_OA_TOKEN`, safe mode with `WECHAT_OA_AES_KEY` + `WECHAT_OA_APPID`. */
  readonly oa?: { token: string; aesKey?: string; appId?: string; autoReply?: string };
  /** WeCom: `WECHAT_WORK_TOKEN`, `WECHAT_WORK_AES_KEY`, `WECHAT_WORK_CORPID`; kf with `WECHAT_KF_SECRET`. */
  readonly work?: { token: string; aesKey: string; corpId: string; kfSecret?: string; apiBase: string };
  /** JetStream KV buckets: `WECHAT_KF_CURSOR_BUCKET`, `WECHAT_CONVERSATION_BUCKET`. */
  readonly cursorBucket?: string;
  readonly conversationBucket?: string;
  /** `WECHAT_KF_REPLY_BUCKET`: kf customers, text budgets and sent-markers. */
  readonly replyBucket?: string;
  /**
   * Pacing of position texts to kf customers, when either of `WECHAT_KF_MAX_POSITION_TEXTS`
   * (1..4, default 3) and `WECHAT_KF_POSITION_INTERVAL_SECONDS` (default 300) is set.
   */
  readonly kfPacing?: NoticePacing;
}

/** An integer variable in `min..max`, or undefined when unset. */
function integerIn(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new IngestConfigError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/**
 * The kf pacing from the environment. At most KF_SEND_BUDGET - 1 position texts: WeChat's
 * last text of the budget is kept for the exception action.
 */
function kfPacingFromEnv(env: NodeJS.ProcessEnv): NoticePacing | undefined {
  const max = integerIn(env, 'WECHAT_KF_MAX_POSITION_TEXTS', 1, KF_SEND_BUDGET - 1);
  const interval = integerIn(env, 'WECHAT_KF_POSITION_INTERVAL_SECONDS', 1, 48 * 3600);
  if (max === undefined && interval === undefined) return undefined;
  return {
    maxPositionTexts: max ?? DEFAULT_NOTICE_PACING.maxPositionTexts,
    minIntervalMs: interval === undefined ? DEFAULT_NOTICE_PACING.minIntervalMs : interval * 1000,
  };
}

/**
 * Reads the WeChat settings. An account kind is served when its token is set.
 * @throws IngestConfigError for a half-configured account, a malformed EncodingAESKey or a kf
 * pacing out of range, so a
 * bad deployment fails at start rather than on WeChat's first callback.
 */
export function loadWeChatConfig(env: NodeJS.ProcessEnv): WeChatConfig {
  const oaToken = optionalSecret(env, 'WECHAT_OA_TOKEN');
  const oaKey = optionalSecret(env, 'WECHAT_OA_AES_KEY');
  const oaAppId = env.WECHAT_OA_APPID || undefined;
  if (oaKey && !oaAppId) throw new IngestConfigError('WECHAT_OA_AES_KEY needs WECHAT_OA_APPID (the receiver id)');
  const workToken = optionalSecret(env, 'WECHAT_WORK_TOKEN');
  const workKey = optionalSecret(env, 'WECHAT_WORK_AES_KEY');
  const corpId = env.WECHAT_WORK_CORPID || undefined;
  if (workToken && (!workKey || !corpId)) throw new IngestConfigError('WECHAT_WORK_TOKEN needs WECHAT_WORK_AES_KEY and WECHAT_WORK_CORPID');
  for (const [name, key] of [['WECHAT_OA_AES_KEY', oaKey], ['WECHAT_WORK_AES_KEY', workKey]] as const) {
    if (!key) continue;
    try {
      decodeAesKey(key);
    } catch {
      throw new IngestConfigError(`${name} must be the 43-character EncodingAESKey`);
    }
  }
  const kfSecret = optionalSecret(env, 'WECHAT_KF_SECRET');
  const kfPacing = kfPacingFromEnv(env);
  return {
    ...(oaToken ? { oa: { token: oaToken, ...(oaKey && oaAppId ? { aesKey: oaKey, appId: oaAppId } : {}), ...(env.WECHAT_OA_AUTO_REPLY ? { autoReply: env.WECHAT_OA_AUTO_REPLY } : {}) } } : {}),
    ...(workToken && workKey && corpId
      ? { work: { token: workToken, aesKey: workKey, corpId, apiBase: env.WECHAT_API_BASE || DEFAULT_WECHAT_API_BASE, ...(kfSecret ? { kfSecret } : {}) } }
      : {}),
    ...(env.WECHAT_KF_CURSOR_BUCKET ? { cursorBucket: env.WECHAT_KF_CURSOR_BUCKET } : {}),
    ...(env.WECHAT_CONVERSATION_BUCKET ? { conversationBucket: env.WECHAT_CONVERSATION_BUCKET } : {}),
    ...(env.WECHAT_KF_REPLY_BUCKET ? { replyBucket: env.WECHAT_KF_REPLY_BUCKET } : {}),
    ...(kfPacing ? { kfPacing } : {}),
  };
}
