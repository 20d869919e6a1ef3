import { describe, expect, it } from '@jest/globals';
import { createCipheriv, randomBytes } from 'node:crypto';
import { SecretBox } from './crypto.js';

const key = randomBytes(32);

describe('SecretBox (AES-256-GCM at rest)', () => {
  it('opens what it sealed', () => {
    const box = new SecretBox(key);
    expect(box.open(box.seal('refresh-token'))).toBe('refresh-token');
  });

  it('refuses a sealed value whose authentication tag is shorter than 16 bytes', () => {
    // a valid 4-byte-tag encryption under the same key: GCM itself accepts it unless the tag length is pinned
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 4 });
    cipher.update(Buffer.alloc(0));
    cipher.final();
    const shortTag = `v1:${Buffer.concat([iv, cipher.getAuthTag()]).toString('base64')}`;
    expect(() => new SecretBox(key).open(shortTag)).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(key);
    const raw = Buffer.from(box.seal('secret').slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
  });
});
