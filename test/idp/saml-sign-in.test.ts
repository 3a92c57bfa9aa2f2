// rolegate's /saml endpoint socket-free, through the composed app, with responses from the
// built-in IdP (and one from a test IdP): one role signs in at once and the page shows the
// session's credentials and identity; several roles get AWS's chooser (grouped by account, with
// the alias) whose form carries the response on with a CSRF token bound to an HttpOnly,
// SameSite=Strict cookie; a refusal shows STS's code and message and issues nothing; what a
// browser does not send (a form from elsewhere, no token) is refused before STS is called.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { HttpRequest, HttpResponse } from '../../src/http/http-message.js'
import { APP_POLICY, samlTrustPolicy } from '../support/idp.js'
import { base64, buildResponse, makeIdp, signResponse } from '../support/saml-idp.js'
import { ACCOUNT, PUBLIC_URL, harness, userWithKey } from '../admin-api/support.js'
import type { Harness } from '../admin-api/support.js'

const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/rolegate`
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`
const PROD_ADMIN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`
const OFFICE = `arn:aws:iam::${ACCOUNT}:role/OfficeOnly`
const COOKIE = '__Host-rolegate-saml'
const BROWSER_IP = '192.0.2.10'

interface Post {
  fields: Record<string, string>
  cookie?: string
  origin?: string
  sourceIp?: string
  contentType?: string
}

function request(method: string, post: Post = { fields: {} }): HttpRequest {
  const headers: [string, string][] = [
    ['Host', 'rolegate.test'],
    ['User-Agent', 'Mozilla/5.0 (test)'],
    ['Content-Type', post.contentType ?? 'application/x-www-form-urlencoded'],
  ]
  if (post.origin !== undefined) headers.push(['Origin', post.origin])
  if (post.cookie !== undefined) headers.push(['Cookie', `${COOKIE}=${post.cookie}`])
  return {
    method,
    path: '/saml',
    query: '',
    headers,
    body: new TextEncoder().encode(new URLSearchParams(post.fields).toString()),
    sourceIp: post.sourceIp ?? BROWSER_IP,
    secure: true,
  }
}

/** The text of the first element matching `pattern`'s one group, entities decoded. */
function textOf(page: HttpResponse, pattern: RegExp): string {
  const raw = pattern.exec(page.body)?.[1] ?? ''
  return raw
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
}

const field = (page: HttpResponse, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1] ?? ''

const cookieValue = (page: HttpResponse) =>
  /^__Host-rolegate-saml=([^;]*)/.exec(page.headers['set-cookie'] ?? '')?.[1]

describe('the /saml endpoint, socket-free', () => {
  let h: Harness
  const post = (p: Post) => h.app.handle(request('POST', p))
  const assertion = async (user: string, role?: string) =>
    String(
      (await h.ok('CreateIdpAssertion', { UserName: user, ...(role ? { RoleArn: role } : {}) }))[
        'SAMLResponse'
      ],
    )

  before(async () => {
    h = await harness(new Date())
    const metadata = String((await h.ok('GetIdpMetadata'))['Metadata'])
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
    // A role only the office's addresses may assume: the person's address must reach the policy.
    const officeTrust = JSON.parse(samlTrustPolicy(PROVIDER)) as {
      Statement: { Condition: Record<string, unknown> }[]
    }
    officeTrust.Statement[0]!.Condition['IpAddress'] = { 'aws:SourceIp': '192.0.2.0/24' }
    await h.ok(
      'CreateRole',
      { RoleName: 'OfficeOnly', AssumeRolePolicyDocument: JSON.stringify(officeTrust) },
      { service: 'iam' },
    )
    await h.ok('CreateAccountAlias', { AccountAlias: 'example-prod' }, { service: 'iam' })
    const key = await userWithKey(h, 'idp-app', APP_POLICY)
    await h.ok('UpdateIdpApp', {
      AccessKeyId: key.accessKeyId,
      SecretAccessKey: key.secretAccessKey,
    })
    await h.ok('CreateIdpUser', { UserName: 'alice@example.com', Password: 'alice-password' })
    await h.ok('CreateIdpUser', { UserName: 'bob', Password: 'bob-password' })
    await h.ok('AssignIdpRole', { UserName: 'alice@example.com', RoleArn: DEVELOPER })
    await h.ok('AssignIdpRole', { UserName: 'alice@example.com', RoleArn: PROD_ADMIN })
    await h.ok('AssignIdpRole', { UserName: 'bob', RoleArn: OFFICE })
  })
  after(() => h.close())

  test('one role: the credentials page shows the session, its export lines and its identity', async () => {
    const page = await post({ fields: { SAMLResponse: await assertion('bob') } })
    assert.equal(page.status, 200, page.body)
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    assert.equal(page.headers['cache-control'], 'no-store')
    assert.equal(page.headers['set-cookie'], undefined)
    const csp = page.headers['content-security-policy'] ?? ''
    assert.match(csp, /default-src 'none'/)
    assert.match(csp, /frame-ancestors 'none'/)
    const nonce = /style-src 'nonce-([\w-]+)'/.exec(csp)?.[1]
    assert.ok(nonce && page.body.includes(`<style nonce="${nonce}">`))
    assert.ok(!page.body.includes('<script'))
    assert.equal(textOf(page, /<h1>(.*?)<\/h1>/), 'Signed in as OfficeOnly')
    assert.equal(textOf(page, /<dt>Account<\/dt><dd>(.*?)<\/dd>/), `example-prod (${ACCOUNT})`)
    assert.equal(textOf(page, /<dt>Session<\/dt><dd>(.*?)<\/dd>/), 'bob')

    const lines = textOf(page, /<textarea id="credentials"[^>]*>([^<]*)<\/textarea>/).split('\n')
    assert.equal(lines.length, 3)
    const value = (name: string) =>
      lines.find((line) => line.startsWith(`export ${name}=`))?.slice(`export ${name}=`.length)
    const session = {
      accessKeyId: value('AWS_ACCESS_KEY_ID') ?? '',
      secretAccessKey: value('AWS_SECRET_ACCESS_KEY') ?? '',
      sessionToken: value('AWS_SESSION_TOKEN') ?? '',
    }
    assert.match(session.accessKeyId, /^ASIA[A-Z0-9]{16}$/)
    const identity = JSON.parse(textOf(page, /<pre id="caller-identity"[^>]*>([^<]*)<\/pre>/)) as {
      UserId: string
      Account: string
      Arn: string
    }
    assert.deepEqual(Object.keys(identity), ['UserId', 'Account', 'Arn'])
    assert.equal(identity.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/OfficeOnly/bob`)
    assert.equal(identity.Account, ACCOUNT)
    // The credentials shown are the session's: they sign a call, and IAM knows them as the role.
    const write = await h.call(
      'CreateUser',
      { UserName: 'mallory' },
      { service: 'iam', key: session },
    )
    assert.equal(write.error?.code, 'AccessDenied')
    assert.match(
      write.error?.message ?? '',
      new RegExp(`^User: arn:aws:sts::${ACCOUNT}:assumed-role/OfficeOnly/bob is not authorized`),
    )
  })

  test("the person's address reaches the trust policy: from elsewhere the role is refused", async () => {
    const page = await post({
      fields: { SAMLResponse: await assertion('bob') },
      sourceIp: '198.51.100.7',
    })
    assert.equal(page.status, 403)
    assert.equal(
      textOf(page, /<p class="error" role="alert">(.*?)<\/p>/),
      'An error occurred (AccessDenied) when calling the AssumeRoleWithSAML operation: Not authorized to perform sts:AssumeRoleWithSAML',
    )
    assert.match(page.body, /No credentials were issued\./)
    assert.ok(!page.body.includes('ASIA'))
  })

  test('two roles: the chooser, then the chosen role signs in; the token is good once', async () => {
    const samlResponse = await assertion('alice@example.com')
    const chooser = await post({
      fields: { SAMLResponse: samlResponse, RelayState: 'https://console.example/' },
    })
    assert.equal(chooser.status, 200, chooser.body)
    assert.match(
      chooser.headers['set-cookie'] ?? '',
      new RegExp(`^${COOKIE}=[\\w-]+; Path=/; Max-Age=300; HttpOnly; SameSite=Strict; Secure$`),
    )
    assert.equal(textOf(chooser, /<legend>(.*?)<\/legend>/), `Account: example-prod (${ACCOUNT})`)
    const names = [...chooser.body.matchAll(/<label for="role-\d+">([^<]+)<br>/g)].map((m) => m[1])
    assert.deepEqual(names, ['OktaDeveloper', 'OktaProdAdminRole'])
    assert.equal(field(chooser, 'SAMLResponse'), samlResponse)
    assert.equal(field(chooser, 'RelayState'), 'https://console.example/')
    const csrf = field(chooser, 'csrf')
    const cookie = cookieValue(chooser)
    assert.equal(cookie, csrf)

    // Without the cookie, with another token, or from another origin: refused, nothing used up.
    const choice = { SAMLResponse: samlResponse, roleIndex: PROD_ADMIN }
    for (const attempt of [
      { fields: { ...choice, csrf } },
      { fields: { ...choice, csrf: 'x'.repeat(csrf.length) }, cookie },
      { fields: { ...choice, csrf }, cookie, origin: 'https://evil.example' },
    ]) {
      const refused = await post(attempt)
      assert.equal(refused.status, 403)
      assert.equal(textOf(refused, /<h1>(.*?)<\/h1>/), 'Sign-in expired')
      assert.ok(!refused.body.includes('ASIA'))
    }
    // A role the response does not offer: the chooser again.
    const wrong = await post({
      fields: { ...choice, roleIndex: `arn:aws:iam::${ACCOUNT}:role/admin`, csrf },
      cookie,
      origin: PUBLIC_URL,
    })
    assert.equal(wrong.status, 400)
    assert.equal(
      textOf(wrong, /<p class="error" role="alert">(.*?)<\/p>/),
      'Choose one of the roles offered.',
    )

    const signedIn = await post({ fields: { ...choice, csrf }, cookie, origin: PUBLIC_URL })
    assert.equal(signedIn.status, 200, signedIn.body)
    assert.match(
      signedIn.headers['set-cookie'] ?? '',
      new RegExp(`^${COOKIE}=; Path=/; Max-Age=0;`),
    )
    const identity = JSON.parse(
      textOf(signedIn, /<pre id="caller-identity"[^>]*>([^<]*)<\/pre>/),
    ) as { Arn: string }
    assert.equal(
      identity.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/OktaProdAdminRole/alice@example.com`,
    )
    // The same response again is a replay, refused by STS with nothing issued.
    const again = await post({ fields: { ...choice, csrf }, cookie, origin: PUBLIC_URL })
    assert.equal(again.status, 400)
    assert.equal(
      textOf(again, /<p class="error" role="alert">(.*?)<\/p>/),
      'An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithSAML operation: The SAML assertion has already been used',
    )
  })

  test('a tampered response is refused at once, before any chooser, in STS words', async () => {
    const xml = Buffer.from(await assertion('alice@example.com'), 'base64').toString('utf8')
    const tampered = xml.replace(/OktaProdAdminRole/g, 'OktaProdAdminRolf')
    assert.notEqual(tampered, xml)
    const page = await post({ fields: { SAMLResponse: base64(tampered) } })
    assert.equal(page.status, 400)
    assert.equal(page.headers['set-cookie'], undefined)
    assert.equal(
      textOf(page, /<p class="error" role="alert">(.*?)<\/p>/),
      'An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithSAML operation: Response signature invalid',
    )
    assert.ok(!page.body.includes('Select a role'))
  })

  test('a response that names no role, and requests that are no sign-in', async () => {
    const idp = makeIdp('https://idp.example.com/saml')
    const roleless = base64(signResponse(buildResponse({ issuer: idp.entityId }), idp))
    const none = await post({ fields: { SAMLResponse: roleless } })
    assert.equal(none.status, 403)
    assert.equal(textOf(none, /<h1>(.*?)<\/h1>/), 'No role to sign in to')

    const get = await h.app.handle(request('GET'))
    assert.equal(get.status, 405)
    assert.equal(get.headers['allow'], 'POST')
    const empty = await post({ fields: { RelayState: 'x' } })
    assert.equal(empty.status, 400)
    assert.equal(textOf(empty, /<h1>(.*?)<\/h1>/), 'No SAML response')
    const json = await post({ fields: { SAMLResponse: 'x' }, contentType: 'application/json' })
    assert.equal(json.status, 400)
    const garbage = await post({ fields: { SAMLResponse: '%%%not base64' } })
    assert.equal(garbage.status, 400)
    assert.match(
      textOf(garbage, /<p class="error" role="alert">(.*?)<\/p>/),
      /^An error occurred \(InvalidIdentityToken\)/,
    )
  })
})
