// The IdP's browser sign-in, socket-free through the composed app, for what a browser run cannot
// show well: the cookie's attributes (HttpOnly, SameSite=Strict, Secure with the __Host- prefix
// under TLS), forms refused without their CSRF token or from another origin, sessions that cannot
// be forged or carried to another account, failed sign-ins rate-limited and running scrypt once
// whether or not the user exists (counted, not timed: bench/idp times it), a TOTP code good only
// once, and the posted response.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { TOTP } from 'otpauth'
import { randomIds } from '../../src/core/ids.js'
import type { HttpRequest, HttpResponse } from '../../src/http/http-message.js'
import { IdentityProvider } from '../../src/idp/identity-provider.js'
import { scryptHasher } from '../../src/idp/sign-in.js'
import type { PasswordHasher } from '../../src/idp/sign-in.js'
import { IdpPages } from '../../src/idp/web/idp-pages.js'
import {
  APP_POLICY,
  ROLE_ATTRIBUTE,
  attributeValues,
  samlTrustPolicy,
  validateWithNodeSaml,
} from '../support/idp.js'
import { ACCOUNT, PUBLIC_URL, harness, userWithKey } from '../admin-api/support.js'
import type { Harness } from '../admin-api/support.js'

const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/rolegate`
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`
const PROD_ADMIN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`
const BASE = `/idp/${ACCOUNT}`
const COOKIE = `__Host-rolegate-idp-${ACCOUNT}`

/** What answers the browser: the composed app, or pages made by the test. */
interface Server {
  handle(request: HttpRequest): Promise<HttpResponse>
}

/** A browser's share of the exchange: one cookie jar, forms posted from the IdP's own pages. */
class Browser {
  cookie: string | undefined
  private readonly server: Server
  constructor(
    h: Harness | Server,
    readonly sourceIp = '192.0.2.10',
  ) {
    this.server = 'app' in h ? h.app : h
  }

  private request(method: string, path: string, body = '', extra: [string, string][] = []) {
    const headers: [string, string][] = [['Host', 'rolegate.test'], ...extra]
    if (this.cookie !== undefined) headers.push(['Cookie', `${COOKIE}=${this.cookie}`])
    if (method === 'POST') {
      headers.push(['Content-Type', 'application/x-www-form-urlencoded'])
    }
    const request: HttpRequest = {
      method,
      path,
      query: '',
      headers,
      body: new TextEncoder().encode(body),
      sourceIp: this.sourceIp,
      secure: true,
    }
    return request
  }

  private keep(response: HttpResponse): HttpResponse {
    const set = response.headers['set-cookie']
    if (set !== undefined) {
      const value = /^[^=]+=([^;]*)/.exec(set)?.[1] ?? ''
      this.cookie = value === '' ? undefined : value
    }
    return response
  }

  async get(path: string) {
    return this.keep(await this.server.handle(this.request('GET', path)))
  }

  async post(path: string, fields: Record<string, string>, origin = PUBLIC_URL) {
    const body = new URLSearchParams(fields).toString()
    return this.keep(
      await this.server.handle(this.request('POST', path, body, [['Origin', origin]])),
    )
  }

  /** The CSRF token of the page's forms. */
  static csrf(page: HttpResponse): string {
    return /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  }

  async signIn(username: string, password: string) {
    const form = await this.get(`${BASE}/sso`)
    return this.post(`${BASE}/sso`, { csrf: Browser.csrf(form), username, password })
  }
}

describe('browser sign-in, socket-free', () => {
  let h: Harness
  let metadata: string
  let seed: string

  before(async () => {
    h = await harness(new Date())
    metadata = String((await h.ok('GetIdpMetadata'))['Metadata'])
    await h.ok(
      'CreateSAMLProvider',
      { Name: 'rolegate', SAMLMetadataDocument: metadata },
      { service: 'iam' },
    )
    for (const name of ['OktaDeveloper', 'OktaProdAdminRole']) {
      await h.ok(
        'CreateRole',
        { RoleName: name, AssumeRolePolicyDocument: samlTrustPolicy(PROVIDER) },
        { service: 'iam' },
      )
    }
    const key = await userWithKey(h, 'idp-app', APP_POLICY)
    await h.ok('UpdateIdpApp', {
      AccessKeyId: key.accessKeyId,
      SecretAccessKey: key.secretAccessKey,
    })
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
      await h.ok('CreateIdpUser', { UserName: name, Password: `${name}-password` })
    }
    await h.ok('CreateIdpGroup', { GroupName: 'developers' })
    await h.ok('AddIdpGroupMember', { GroupName: 'developers', UserName: 'alice' })
    await h.ok('AddIdpGroupMember', { GroupName: 'developers', UserName: 'bob' })
    await h.ok('AssignIdpRole', { GroupName: 'developers', RoleArn: DEVELOPER })
    await h.ok('AssignIdpRole', { UserName: 'alice', RoleArn: PROD_ADMIN })
    seed = String((await h.ok('RequireIdpUserTotp', { UserName: 'bob' }))['Seed'])
  })
  after(() => h.close())

  test('the login page sets an HttpOnly, SameSite=Strict, Secure __Host- cookie and a strict CSP', async () => {
    const browser = new Browser(h)
    const page = await browser.get(`${BASE}/sso`)
    assert.equal(page.status, 200)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(
      page.headers['set-cookie'] ?? '',
      new RegExp(`^${COOKIE}=[\\w.-]+; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict; Secure$`),
    )
    const csp = page.headers['content-security-policy'] ?? ''
    assert.match(csp, /default-src 'none'/)
    assert.match(csp, /frame-ancestors 'none'/)
    const nonce = /script-src 'nonce-([\w-]+)'/.exec(csp)?.[1]
    assert.ok(nonce)
    assert.ok(page.body.includes(`<style nonce="${nonce}">`))
    assert.equal(page.headers['cache-control'], 'no-store')
    assert.match(page.body, /<label for="username">User name<\/label>/)
    assert.match(page.body, /autocomplete="current-password"/)
  })

  test("a form without its token, with another session's token or from another origin is refused", async () => {
    const browser = new Browser(h)
    await browser.get(`${BASE}/sso`)
    const none = await browser.post(`${BASE}/sso`, {
      username: 'alice',
      password: 'alice-password',
    })
    assert.equal(none.status, 403)
    assert.match(none.body, /Your sign-in expired or the form was not sent from this page/)
    const other = new Browser(h)
    const foreign = Browser.csrf(await other.get(`${BASE}/sso`))
    const form = await browser.get(`${BASE}/sso`)
    const wrong = await browser.post(`${BASE}/sso`, {
      csrf: foreign,
      username: 'alice',
      password: 'alice-password',
    })
    assert.equal(wrong.status, 403)
    const elsewhere = await browser.post(
      `${BASE}/sso`,
      { csrf: Browser.csrf(form), username: 'alice', password: 'alice-password' },
      'https://evil.example',
    )
    assert.equal(elsewhere.status, 403)
    // A cookie that was tampered with opens nothing.
    browser.cookie = `${browser.cookie?.slice(0, -4)}AAAA`
    const tampered = await browser.post(`${BASE}/sso`, {
      csrf: Browser.csrf(form),
      username: 'alice',
      password: 'alice-password',
    })
    assert.equal(tampered.status, 403)
  })

  test('a user with two roles gets the chooser; the chosen role is posted to the SAML endpoint', async () => {
    const browser = new Browser(h)
    const signedIn = await browser.signIn('alice', 'alice-password')
    assert.equal(signedIn.status, 303)
    assert.equal(signedIn.headers['location'], `${BASE}/roles`)
    const chooser = await browser.get(`${BASE}/roles`)
    assert.equal(chooser.status, 200)
    assert.match(chooser.body, new RegExp(`<legend>Account: ${ACCOUNT}</legend>`))
    assert.match(chooser.body, /OktaDeveloper<br>/)
    assert.match(chooser.body, /OktaProdAdminRole<br>/)
    // Another account's session is no session here.
    const posted = await browser.post(`${BASE}/roles`, {
      csrf: Browser.csrf(chooser),
      role: PROD_ADMIN,
    })
    assert.equal(posted.status, 200)
    assert.match(
      posted.body,
      new RegExp(`<form method="post" action="${PUBLIC_URL}/saml" id="saml-post">`),
    )
    const samlResponse = /name="SAMLResponse" value="([^"]+)"/.exec(posted.body)?.[1] ?? ''
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [`${PROD_ADMIN},${PROVIDER}`])
    const profile = await validateWithNodeSaml(samlResponse, metadata)
    assert.equal(profile.nameID, 'alice')
    // A role the user does not hold is not posted.
    const refused = await browser.post(`${BASE}/roles`, {
      csrf: Browser.csrf(chooser),
      role: `arn:aws:iam::${ACCOUNT}:role/admin`,
    })
    assert.equal(refused.status, 400)
    // Signing out ends the session.
    const out = await browser.post(`${BASE}/sign-out`, { csrf: Browser.csrf(chooser) })
    assert.equal(out.status, 303)
    assert.equal(browser.cookie, undefined)
    assert.equal((await browser.get(`${BASE}/roles`)).headers['location'], `${BASE}/sso`)
  })

  test('a required TOTP code is asked for, and a code is good only once', async () => {
    const browser = new Browser(h, '192.0.2.20')
    const signedIn = await browser.signIn('bob', 'bob-password')
    assert.equal(signedIn.headers['location'], `${BASE}/totp`)
    assert.equal((await browser.get(`${BASE}/roles`)).headers['location'], `${BASE}/sso`)
    const prompt = await browser.get(`${BASE}/totp`)
    assert.match(prompt.body, /autocomplete="one-time-code"/)
    // The code of the harness's (frozen) time, as the authenticator would show it then.
    const code = new TOTP({ secret: seed }).generate({ timestamp: h.clock.now().getTime() })
    const wrong = await browser.post(`${BASE}/totp`, {
      csrf: Browser.csrf(prompt),
      code: code === '000000' ? '111111' : '000000',
    })
    assert.equal(wrong.status, 401)
    const accepted = await browser.post(`${BASE}/totp`, { csrf: Browser.csrf(prompt), code })
    assert.equal(accepted.headers['location'], `${BASE}/roles`)
    // Bob holds one role: the response is posted at once, with the multi-factor context.
    const posting = await browser.get(`${BASE}/roles`)
    const response = /name="SAMLResponse" value="([^"]+)"/.exec(posting.body)?.[1] ?? ''
    const xml = Buffer.from(response, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [`${DEVELOPER},${PROVIDER}`])
    assert.match(
      xml,
      /AuthnContextClassRef>http:\/\/schemas\.microsoft\.com\/claims\/multipleauthn</,
    )
    // The same code again, in another sign-in, is refused.
    const again = new Browser(h, '192.0.2.21')
    const prompt2 = await again.signIn('bob', 'bob-password').then(() => again.get(`${BASE}/totp`))
    const replay = await again.post(`${BASE}/totp`, { csrf: Browser.csrf(prompt2), code })
    assert.equal(replay.status, 401)
    assert.match(replay.body, /used already/)
  })

  test('a user with no role is told so; a new password ends sessions made before it', async () => {
    const browser = new Browser(h, '192.0.2.30')
    await browser.signIn('carol', 'carol-password')
    const none = await browser.get(`${BASE}/roles`)
    assert.equal(none.status, 403)
    assert.match(none.body, /No AWS role is assigned to carol/)
    await h.ok('SetIdpUserPassword', { UserName: 'carol', Password: 'carol-password-2' })
    const after = await browser.get(`${BASE}/roles`)
    assert.equal(after.status, 403)
    assert.match(after.body, /Sign in again/)
  })

  test('a failed sign-in runs scrypt once whether or not the user exists, at the same cost', async () => {
    // The pages over the same store, with a hasher that notes every scrypt it runs.
    const runs: { kind: 'hash' | 'matches'; hash?: string }[] = []
    const counting: PasswordHasher = {
      hash(password) {
        runs.push({ kind: 'hash' })
        return scryptHasher.hash(password)
      },
      matches(password, hash) {
        runs.push({ kind: 'matches', hash })
        return scryptHasher.matches(password, hash)
      },
    }
    const idp = new IdentityProvider({
      store: h.store,
      clock: h.clock,
      ids: randomIds,
      publicUrl: () => PUBLIC_URL,
      api: () => Promise.reject(new Error('signing in learns no roles')),
    })
    const pages = new IdpPages(idp, { passwords: counting })
    /** The scrypt runs of one sign-in's POST (the login form is fetched first). */
    const attempt = async (username: string, password: string, ip: string) => {
      const browser = new Browser(pages, ip)
      const form = await browser.get(`${BASE}/sso`)
      runs.length = 0
      const response = await browser.post(`${BASE}/sso`, {
        csrf: Browser.csrf(form),
        username,
        password,
      })
      return { response, runs: [...runs] }
    }
    const cost = (hash: string | undefined) => /^\$scrypt\$[^$]+\$/.exec(hash ?? '')?.[0]
    const dave = await h.store.read((repo) => repo.idpDirectory.getUser(ACCOUNT, 'dave'))
    assert.ok(dave)

    const known = await attempt('dave', 'not-the-password', '198.51.100.1')
    const unknown = await attempt('ghost', 'not-the-password', '198.51.100.2')
    const invalid = await attempt('not a user name!', 'not-the-password', '198.51.100.3')
    for (const failed of [known, unknown, invalid]) {
      assert.equal(failed.response.status, 401)
      assert.match(failed.response.body, /Your user name or password is incorrect\./)
      // One comparison, and no hash made while the password waits (the stand-in exists already).
      assert.deepEqual(
        failed.runs.map((run) => run.kind),
        ['matches'],
      )
      assert.equal(cost(failed.runs[0]?.hash), cost(dave.passwordHash))
    }
    assert.equal(known.runs[0]?.hash, dave.passwordHash)
    // An unknown or malformed name is compared with the stand-in, no user's hash.
    assert.notEqual(unknown.runs[0]?.hash, dave.passwordHash)
    assert.equal(invalid.runs[0]?.hash, unknown.runs[0]?.hash)
    assert.equal(cost(dave.passwordHash), '$scrypt$ln=15,r=8,p=3$')

    const right = await attempt('dave', 'dave-password', '198.51.100.4')
    assert.equal(right.response.status, 303)
    assert.deepEqual(right.runs, [{ kind: 'matches', hash: dave.passwordHash }])
  })

  test('failed sign-ins are rate-limited per name, whether it exists or not', async () => {
    for (const username of ['frank', 'nobody-at-all']) {
      const browser = new Browser(h, '203.0.113.7')
      for (let i = 0; i < 5; i += 1) {
        assert.equal((await browser.signIn(username, 'wrong-password')).status, 401)
      }
      // Even the right password is not looked at now.
      const limited = await browser.signIn(username, username === 'frank' ? 'frank-password' : 'x')
      assert.equal(limited.status, 429)
      assert.match(limited.body, /Too many failed sign-ins\. Try again in 15 minutes\./)
      assert.ok(Number(limited.headers['retry-after']) > 800)
    }
    // Another name from another address is unaffected.
    const other = new Browser(h, '203.0.113.8')
    assert.equal((await other.signIn('dave', 'dave-password')).status, 303)
  })

  test('unknown accounts and pages answer 404 alike', async () => {
    const browser = new Browser(h)
    for (const path of ['/idp/999999999999/sso', `${BASE}/nothing`, '/idp/', '/idp/x/sso']) {
      assert.equal((await browser.get(path)).status, 404, path)
    }
    assert.equal((await browser.get(BASE)).headers['location'], `${BASE}/sso`)
  })
})
