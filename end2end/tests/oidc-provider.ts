// A local OpenID Connect provider for specs (npm's oidc-provider), so single sign-on is tested
// against a real implementation of the protocol: discovery, JWKS, the authorization-code flow
// with PKCE, client_secret_basic at the token endpoint and an RS256-signed ID token. It listens
// on 127.0.0.1 at the port the spec chose; its issuer is `http://127.0.0.1:${port}`.
//
// For the spec writer: Atrium sends the browser here, and the login page is oidc-provider's
// built-in development page (devInteractions). It has no <label>s, only placeholders:
//   - login:    <input type="text" name="login" placeholder="Enter any login">
//   - password: <input type="password" name="password" placeholder="and password">
//   - submit:   <button type="submit">Sign-in</button> (the page's title and <h1> are "Sign-in" too)
// so e.g. `page.getByPlaceholder('Enter any login').fill(email)`,
// `page.getByPlaceholder('and password').fill('anything')`,
// `page.getByRole('button', { name: 'Sign-in' }).click()`. Any login and any password are
// accepted; the login becomes the account's sub and email (email_verified: true). The page's
// "[ Cancel ]" link sends error=access_denied to the callback instead. There is no
// consent page: the browser goes straight back to Atrium's callback. The provider remembers a
// signed-in browser (its `_session` cookie), so a second sign-in in the same browser context skips
// the login page and comes back as the same account.
import crypto from 'node:crypto';
import http from 'node:http';
// oidc-provider 9 is ESM-only; Playwright's CommonJS transpilation of this file turns the import
// into require(), which Node 20.19+ supports for ES modules.
import Provider from 'oidc-provider';

export interface OidcProvider {
  issuer: string;
  close: () => Promise<void>;
}

// Atrium's callback is /sso/<workspace slug>/callback on whatever port the test server has, and
// the slug is new each run, so the one client accepts any such URI instead of a registered list.
const CALLBACK = /^http:\/\/127\.0\.0\.1:\d+\/sso\/[a-z0-9-]+\/callback$/;

export async function startOidcProvider(
  port: number,
  client: { clientId: string; clientSecret: string },
): Promise<OidcProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  // A fresh key per run instead of the library's published development keys; one RSA key keeps
  // the JWKS to exactly what the relying party verifies with.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // The schema wants one; the real check is CALLBACK below.
        redirect_uris: ['http://127.0.0.1/sso/example/callback'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: [] },
    // By default oidc-provider leaves scope claims out of the ID token when an access token for
    // userinfo is issued; Atrium reads email and email_verified from the ID token itself.
    conformIdTokenClaims: false,
    // Atrium always sends an S256 code_challenge; requiring it catches a relying party that stops.
    pkce: { required: () => true },
    // Fixed lifetimes (seconds) for a test run; also stops notices about the defaults being used.
    ttl: { AccessToken: 3600, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600 },
    async findAccount(_ctx: unknown, id: string) {
      return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: true }) };
    },
    // Skip the consent page: Atrium is the only (first-party) client, so whatever it asks for is
    // granted as soon as the account has signed in.
    async loadExistingGrant(ctx: any) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      const grant =
        (grantId && (await oidc.provider.Grant.find(grantId))) ||
        new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
  });
  provider.Client.prototype.redirectUriAllowed = (uri: string) => CALLBACK.test(uri);

  provider.use(async (ctx: any, next: () => Promise<void>) => {
    await next();
    // No keep-alive: a client (the test's fetch, Atrium's reqwest pool) must not reuse a socket
    // from a provider that a previous spec closed on the same port.
    ctx.set('Connection', 'close');
    // The development pages @import a Google font; drop it so the browser stays on loopback.
    if (ctx.type === 'text/html' && typeof ctx.body === 'string') {
      ctx.body = ctx.body.replace(/@import url\([^)]*\);/, '');
    }
  });

  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        // Drop whatever is still open (a request in flight) instead of waiting for it.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
