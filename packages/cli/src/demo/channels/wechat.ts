import { randomBytes } from 'node:crypto';
import { buildWeChatXml, sha1Signature } from '@switchboard/wechat';
import type { DemoCustomer } from '../customers.js';

/**
 * A customer's text message to the Official Account, as WeChat's servers deliver it to
 * `POST /wechat/oa` in plain mode: XML body, `signature` = SHA-1 of the sorted token, timestamp
 * and nonce. The openid is made up per customer.
 * @throws Error when the callback is not answered 200.
 */
export async function sendWeChatMessage(baseUrl: string, token: string, customer: DemoCustomer): Promise<void> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const signature = sha1Signature([token, timestamp, nonce]);
  const xml = buildWeChatXml({
    ToUserName: 'gh_switchboard_demo',
    FromUserName: customer.openid,
    CreateTime: Number(timestamp),
    MsgType: 'text',
    Content: customer.summary,
    MsgId: String(BigInt.asUintN(63, BigInt(`0x${randomBytes(8).toString('hex')}`))),
  });
  const response = await fetch(`${baseUrl}/wechat/oa?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST', body: xml, headers: { 'content-type': 'text/xml' },
  });
  if (response.status !== 200) throw new Error(`wechat ${response.status}: ${await response.text()}`);
}
