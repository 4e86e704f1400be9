import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createIdentityResolver, ToolError } from '../src/index.js';

const secret = 'identity-secret-0123456789';
const sign = (claims: Record<string, unknown>, exp = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new TextEncoder().encode(secret));

describe('identity', () => {
  const resolve = createIdentityResolver({ jwtSecret: secret });

  it('reads Open WebUI forwarded headers only from a caller holding the service key', async () => {
    const headers = { 'x-openwebui-user-id': 'u1', 'x-openwebui-user-name': 'Ren%C3%A9e', 'x-openwebui-user-email': 'r@x.test', 'x-openwebui-user-role': 'admin', 'x-openwebui-chat-id': 'c9' };
    expect(await resolve(headers, true)).toEqual({ userId: 'u1', chatId: 'c9', name: 'Renée', email: 'r@x.test', role: 'admin', source: 'headers' });
    expect(await resolve(headers, false)).toBeUndefined();
  });

  it('takes X-User-Id and X-Session-Id as Open WebUI terminal servers get them', async () => {
    expect(await resolve({ 'x-user-id': 'u2', 'x-session-id': 's1' }, true)).toMatchObject({ userId: 'u2', chatId: 's1' });
  });

  it('prefers a verified JWT over headers, even without the key', async () => {
    const token = await sign({ sub: 'jwt-user', email: 'j@x.test', name: 'J', role: 'user' });
    const id = await resolve({ 'x-openwebui-user-jwt': token, 'x-user-id': 'header-user' }, false);
    expect(id).toMatchObject({ userId: 'jwt-user', email: 'j@x.test', source: 'jwt' });
  });

  it('rejects an expired JWT and one without a subject', async () => {
    await expect(resolve({ 'x-openwebui-user-jwt': await sign({ sub: 'x' }, '-10s') }, true)).rejects.toThrow('The user token has expired.');
    await expect(resolve({ 'x-openwebui-user-jwt': await sign({ email: 'a' }) }, true)).rejects.toThrow(ToolError);
  });

  it('does not trust a JWT when no secret is configured (it cannot be verified)', async () => {
    const noSecret = createIdentityResolver({});
    const token = await sign({ sub: 'someone' });
    expect(await noSecret({ 'x-openwebui-user-jwt': token }, false)).toBeUndefined();
  });

  it('refuses ids with control characters', async () => {
    await expect(resolve({ 'x-user-id': 'a\nb' }, true)).rejects.toThrow(/not a valid id/);
  });
});
