import { createMessageCipher, type MessageCipher, type RandomBytes } from './cipher.js';
import { verifyMsgSignature } from './signature.js';
import { sha1Signature } from './signature.js';
import { buildWeChatXml, parseWeChatXml, requireExactField, type WeChatXml } from './xml.js';

/** Options of {@link createCallbackCrypto}: one Official Account (safe mode) or WeCom app. */
export interface CallbackCryptoOptions {
  readonly token: string;
  readonly encodingAesKey: string;
  /** AppID for an Official Account, CorpID for WeCom and Customer Service. */
  readonly receiverId: string;
  readonly randomBytes?: RandomBytes;
}

/** The signed query of an encrypted callback. */
export interface EnvelopeQuery {
  readonly msgSignature: string;
  readonly timestamp: string;
  readonly nonce: string;
}

/** Signing, sealing and opening of encrypted callbacks. */
export interface CallbackCrypto {
  /**
   * WeCom URL verification: checks the signature over the (already URL-decoded) echostr and
   * returns its plaintext, which is the whole answer.
   */
  verifyUrl(query: EnvelopeQuery & { readonly echostr: string }): string;
  /**
   * Opens `<xml><ToUserName/><Encrypt/>…</xml>`: checks `msg_signature` over the Encrypt text as
   * received, decrypts, checks the receiver id and parses the inner XML.
   * @throws WeChatProtocolError for any failure; nothing is returned from an untrusted body.
   */
  open(query: EnvelopeQuery, body: string): WeChatXml;
  /** Encrypts a passive reply into `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`. */
  seal(replyXml: string, timestamp: string, nonce: string): string;
  readonly cipher: MessageCipher;
}

/** Builds the callback crypto for one account. */
export function createCallbackCrypto(options: CallbackCryptoOptions): CallbackCrypto {
  const cipher = createMessageCipher(options);
  const { token } = options;
  return {
    cipher,
    verifyUrl(query) {
      verifyMsgSignature(token, query, query.echostr);
      return cipher.decrypt(query.echostr);
    },
    open(query, body) {
      // The signature covers the Encrypt text as received; only the ciphertext handed to the
      // base64 decoder is trimmed, so stray blanks around it cannot break decryption.
      const encrypt = requireExactField(parseWeChatXml(body), 'Encrypt');
      verifyMsgSignature(token, query, encrypt);
      return parseWeChatXml(cipher.decrypt(encrypt.trim()));
    },
    seal(replyXml, timestamp, nonce) {
      const encrypt = cipher.encrypt(replyXml);
      return buildWeChatXml({
        Encrypt: encrypt,
        MsgSignature: sha1Signature([token, timestamp, nonce, encrypt]),
        TimeStamp: timestamp,
        Nonce: nonce,
      });
    },
  };
}
