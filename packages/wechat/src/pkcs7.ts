/**
 * WeChat pads to a multiple of 32 bytes, not AES's 16, so Node's built-in padding (which strips
 * 16-byte PKCS#7) must be off and this module pads and strips instead. About half of all real
 * messages carry 17..32 bytes of padding that the built-in check would refuse.
 */
export const WECHAT_BLOCK_SIZE = 32;

/** Appends 1..32 bytes of value n so the result is a multiple of 32 bytes. */
export function pkcs7Pad(data: Buffer, blockSize = WECHAT_BLOCK_SIZE): Buffer {
  const n = blockSize - (data.length % blockSize);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** Removes the padding, or returns undefined when it is not valid 1..32-byte PKCS#7. */
export function pkcs7Unpad(data: Buffer, blockSize = WECHAT_BLOCK_SIZE): Buffer | undefined {
  const n = data.at(-1);
  if (n === undefined || n < 1 || n > blockSize || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}
