import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { buildWeChatXml, createCallbackCrypto, sha1Signature, type KfMessage } from '@switchboard/wechat';
import type { FakeKfApi } from '@switchboard/wechat/testing';

/** The WeCom app (callback token, AES key, corp id) the agent tests configure ingest-wechat with. */
export const WECOM = { token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wx5823bf96d3bd56c7' } as const;
/** Their WeChat Customer Service account (open_kfid). */
export const KF_ACCOUNT = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q';
/** The kf app secret the fake WeChat API and ingest-wechat share. */
export const KF_SECRET = 'kf-secret-of-the-test';

/** ingest-wechat's settings for the WeCom app above, on `port`, talking to the fake kf API at `apiBase`. */
export function wecomKfEnv(port: number, apiBase: string): Record<string, string> {
  return {
    INGEST_WECHAT_PORT: String(port), WECHAT_WORK_TOKEN: WECOM.token, WECHAT_WORK_AES_KEY: WECOM.aesKey, WECHAT_WORK_CORPID: WECOM.corpId,
    WECHAT_API_BASE: apiBase, WECHAT_KF_SECRET: KF_SECRET,
  };
}

/**
 * The way WeChat Customer Service delivers messages: each `pull` serves `messages` as the next
 * sync_msg page of the fake kf API (cursors '', c1, c2…) and triggers ingest-wechat's pull with a
 * signed, encrypted `kf_msg_or_event` callback on `port`, which must answer `success`.
 */
export function kfCallbacks(port: number, api: FakeKfApi): { pull(messages: KfMessage[]): Promise<void> } {
  const crypto = createCallbackCrypto({ token: WECOM.token, encodingAesKey: WECOM.aesKey, receiverId: WECOM.corpId });
  let triggers = 0;
  return {
    async pull(messages) {
      const cursor = triggers === 0 ? '' : `c${triggers}`;
      api.pages.set(cursor, { nextCursor: `c${++triggers}`, hasMore: false, messages });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(6).toString('hex');
      const encrypt = crypto.cipher.encrypt(buildWeChatXml({
        ToUserName: WECOM.corpId, CreateTime: Number(timestamp), MsgType: 'event', Event: 'kf_msg_or_event', Token: `tok${triggers}`, OpenKfId: KF_ACCOUNT,
      }));
      const res = await fetch(`http://127.0.0.1:${port}/wechat/work?msg_signature=${sha1Signature([WECOM.token, timestamp, nonce, encrypt])}&timestamp=${timestamp}&nonce=${nonce}`, {
        method: 'POST', headers: { 'content-type': 'text/xml' },
        body: `<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID>1</AgentID></xml>` });
      expect(await res.text()).toBe('success');
    },
  };
}
