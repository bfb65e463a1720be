import { IngestConfigError, optionalSecret } from '@switchboard/ingest-kit';
import { DEFAULT_WECHAT_API_BASE, decodeAesKey } from '@switchboard/wechat';

/** WeChat accounts this replica serves, from the environment. */
export interface WeChatConfig {
  /** Official Account: `WECHAT_OA_TOKEN`, safe mode with `WECHAT_OA_AES_KEY` + `WECHAT_OA_APPID`. */
  readonly oa?: { token: string; aesKey?: string; appId?: string; autoReply?: string };
  /** WeCom: `WECHAT_WORK_TOKEN`, `WECHAT_WORK_AES_KEY`, `WECHAT_WORK_CORPID`; kf with `WECHAT_KF_SECRET`. */
  readonly work?: { token: string; aesKey: string; corpId: string; kfSecret?: string; apiBase: string };
  /** JetStream KV buckets: `WECHAT_KF_CURSOR_BUCKET`, `WECHAT_CONVERSATION_BUCKET`. */
  readonly cursorBucket?: string;
  readonly conversationBucket?: string;
}

/**
 * Reads the WeChat settings. An account kind is served when its token is set.
 * @throws IngestConfigError for a half-configured account or a malformed EncodingAESKey, so a
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
  return {
    ...(oaToken ? { oa: { token: oaToken, ...(oaKey && oaAppId ? { aesKey: oaKey, appId: oaAppId } : {}), ...(env.WECHAT_OA_AUTO_REPLY ? { autoReply: env.WECHAT_OA_AUTO_REPLY } : {}) } } : {}),
    ...(workToken && workKey && corpId
      ? { work: { token: workToken, aesKey: workKey, corpId, apiBase: env.WECHAT_API_BASE || DEFAULT_WECHAT_API_BASE, ...(kfSecret ? { kfSecret } : {}) } }
      : {}),
    ...(env.WECHAT_KF_CURSOR_BUCKET ? { cursorBucket: env.WECHAT_KF_CURSOR_BUCKET } : {}),
    ...(env.WECHAT_CONVERSATION_BUCKET ? { conversationBucket: env.WECHAT_CONVERSATION_BUCKET } : {}),
  };
}
