// The gemeente's identity provider for the tests: panva/oidc-provider (pinned in package.json) on
// 127.0.0.1. Accounts come from MELDPUNT_TEST_ACCOUNTS (JSON: {"login": {"name": "...", "groups":
// [...]}}); the login page asks the account and whether a second factor was used, which sets acr
// and amr in the ID token. Prints "ready <issuer>" on standard output once it listens.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const accounts = JSON.parse(process.env.MELDPUNT_TEST_ACCOUNTS || '{}');
const client = JSON.parse(process.env.MELDPUNT_TEST_CLIENT);
const ACR_PASSWORD = 'urn:meldpunt:test:wachtwoord';
const ACR_MFA = 'urn:meldpunt:test:mfa';

const page = (title, body) => `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

function start(issuer, server) {
  const provider = new Provider(issuer, {
    clients: [{ ...client, response_types: ['code'], grant_types: ['authorization_code'],
                token_endpoint_auth_method: 'client_secret_post' }],
    // Like Entra ID and Keycloak: how someone signed in (acr, amr) is in every ID token.
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    conformIdTokenClaims: false,
    scopes: ['openid', 'profile', 'groups'],
    acrValues: [ACR_PASSWORD, ACR_MFA],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Afmelden bij de gemeente', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, afmelden</button>`);
      },
    } },
    interactions: { url: (ctx, interaction) => `/interactie/${interaction.uid}` },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() {
        return { sub: id, preferred_username: id, name: account.name || id, groups: account.groups || [] };
      } };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile groups');
      await grant.save();
      return grant;
    },
    cookies: { keys: ['meldpunt-test-oidc-cookie-key'] },
  });
  provider.proxy = false;
  const callback = provider.callback();

  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interactie\/([\w-]+)(\/inloggen)?$/);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'POST' && match[2]) {
        const form = await formBody(req);
        if (!accounts[form.login]) {
          res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(page('Onbekend account', '<p>Dit account bestaat niet.</p>'));
        }
        const mfa = form.mfa === 'ja';
        return provider.interactionFinished(req, res, {
          login: { accountId: form.login, acr: mfa ? ACR_MFA : ACR_PASSWORD, amr: mfa ? ['pwd', 'otp'] : ['pwd'] },
        }, { mergeWithLastSubmission: false });
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Inloggen bij de gemeente', `<form method="post" action="/interactie/${details.uid}/inloggen">
        <label>Account <input name="login" autofocus></label>
        <label><input type="checkbox" name="mfa" value="ja"> Met tweede factor</label>
        <button type="submit">Inloggen</button></form>`));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(String(error));
    }
  });
}

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  start(issuer, server);
  process.stdout.write(`ready ${issuer}\n`);
});
