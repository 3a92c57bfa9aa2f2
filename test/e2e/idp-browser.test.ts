// The built-in IdP's sign-in in a real browser: headless Chromium (Debian's, driven by
// playwright-core) against a running server, with the keyboard alone and a 360 px wide window.
// A user with two roles signs in, picks one from the chooser (account and role names, as AWS's
// chooser shows them) and the page posts the signed response to PUBLIC_URL/saml, which an
// independent SP (node-saml) accepts against the app's metadata; a user who must give a TOTP
// code is asked for it. Every page is saved as a screenshot in the test's temporary folder.
// The /saml endpoint itself (AssumeRoleWithSAML and the credentials page) is not this test's: the
// browser's POST there is caught and checked here.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CreateRoleCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam'
import { TOTP } from 'otpauth'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { runCli } from '../../src/cli/run-cli.js'
import {
  APP_POLICY,
  ROLE_ATTRIBUTE,
  attributeValues,
  samlTrustPolicy,
  validateWithNodeSaml,
} from '../support/idp.js'
import { iamSdk } from '../support/iam-sdk.js'
import { requireOrSkip } from '../support/requirements.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const ACCOUNT = '123456789012'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/rolegate`
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`
const PROD_ADMIN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`

const skip = requireOrSkip(
  existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium)`,
)

describe('browser sign-in in headless Chromium', { skip }, () => {
  let server: TestServer
  let dir: string
  let context: BrowserContext
  let metadata: string
  let bobSeed: string
  /** The forms posted to PUBLIC_URL/saml, as the browser sent them. */
  const posted: URLSearchParams[] = []
  let shots = 0

  async function rolegate(args: string[], stdin?: string): Promise<string> {
    let out = ''
    let err = ''
    const code = await runCli(args, {
      out: (text) => (out += text),
      err: (text) => (err += text),
      env: {
        AWS_ACCESS_KEY_ID: server.admin.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.admin.secretAccessKey,
        AWS_ENDPOINT_URL: server.url,
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      },
      ...(stdin === undefined ? {} : { stdin: () => Promise.resolve(stdin) }),
    })
    assert.equal(code, 0, err)
    return out
  }

  const screenshot = async (page: Page, name: string) => {
    shots += 1
    await page.screenshot({
      path: join(dir, 'screenshots', `${String(shots).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    })
  }

  /** The page fits 360 px: nothing wider than the window, so nothing scrolls sideways. */
  const fitsNarrowWindow = async (page: Page) => {
    const width = await page.evaluate<number>('document.documentElement.scrollWidth')
    assert.ok(width <= 360, `the page is ${width} px wide`)
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-idp-browser-'))
    server = await startTestServer()
    metadata = await rolegate(['idp', 'metadata'])
    const iam = iamSdk(server.url, server.admin)
    await iam.send(
      new CreateSAMLProviderCommand({ Name: 'rolegate', SAMLMetadataDocument: metadata }),
    )
    for (const name of ['OktaDeveloper', 'OktaProdAdminRole']) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: samlTrustPolicy(PROVIDER),
        }),
      )
    }
    await rolegate(['accounts', 'create', '210987654321']).catch(() => '')
    // The app's least-privilege key, made through the IAM API.
    const {
      CreateUserCommand,
      PutUserPolicyCommand,
      CreateAccessKeyCommand,
      CreateAccountAliasCommand,
    } = await import('@aws-sdk/client-iam')
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'example-prod' }))
    await iam.send(new CreateUserCommand({ UserName: 'okta-app' }))
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'okta-app',
        PolicyName: 'list-roles',
        PolicyDocument: JSON.stringify(APP_POLICY),
      }),
    )
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'okta-app' }))).AccessKey
    await rolegate(
      ['idp', 'app', 'set', '--access-key-id', key?.AccessKeyId ?? '', '--secret-access-key-stdin'],
      key?.SecretAccessKey,
    )
    await rolegate(
      ['idp', 'user', 'create', 'alice@example.com', '--password-stdin'],
      'alice-password',
    )
    await rolegate(['idp', 'user', 'create', 'bob', '--password-stdin'], 'bob-password')
    await rolegate(['idp', 'group', 'create', 'developers'])
    await rolegate(['idp', 'group', 'add-member', 'developers', 'alice@example.com'])
    await rolegate(['idp', 'group', 'add-member', 'developers', 'bob'])
    await rolegate(['idp', 'assign', '--group', 'developers', '--role', DEVELOPER])
    await rolegate(['idp', 'assign', '--user', 'alice@example.com', '--role', PROD_ADMIN])
    bobSeed = String(JSON.parse(await rolegate(['idp', 'user', 'require-totp', 'bob']))['Seed'])

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 360, height: 740 },
    })
    // PUBLIC_URL/saml belongs to the service-provider side; here its POST is caught and kept.
    await context.route(`${server.url}/saml`, async (route) => {
      const request = route.request()
      posted.push(new URLSearchParams(request.postData() ?? ''))
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>Received</title><h1>SAML response received</h1>',
      })
    })
  })

  after(async () => {
    await context?.close()
    await server?.cleanup()
    // The screenshots stay, to be looked at; the browser profile goes.
    rmSync(join(dir, 'profile'), { recursive: true, force: true })
  })

  test('two roles: sign in, pick one from the chooser, the response is posted to /saml', async () => {
    const page = await context.newPage()
    await page.goto(`${server.url}/idp/${ACCOUNT}/sso`)
    assert.equal(await page.title(), 'Sign in - rolegate')
    await fitsNarrowWindow(page)
    await screenshot(page, 'login')
    const cookies = await context.cookies()
    const session = cookies.find((cookie) => cookie.name === `rolegate-idp-${ACCOUNT}`)
    assert.equal(session?.httpOnly, true)
    assert.equal(session?.sameSite, 'Strict')

    // The user name field has the focus; everything from here is typed.
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'username')
    await page.keyboard.type('alice@example.com')
    await page.keyboard.press('Tab')
    await page.keyboard.type('not-her-password')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.error')
    assert.equal(
      (await page.textContent('[role=alert]'))?.trim(),
      'Your user name or password is incorrect.',
    )
    await screenshot(page, 'login-failed')

    // The name stays; the password field has the focus.
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'password')
    await page.keyboard.type('alice-password')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/idp/${ACCOUNT}/roles`)
    assert.equal(await page.title(), 'Select a role - rolegate')
    assert.equal((await page.textContent('legend'))?.trim(), `Account: example-prod (${ACCOUNT})`)
    const names = await page.$$eval('.role label', (labels) =>
      labels.map((label) => label.firstChild?.textContent ?? ''),
    )
    assert.deepEqual(names, ['OktaDeveloper', 'OktaProdAdminRole'])
    await fitsNarrowWindow(page)
    await screenshot(page, 'role-chooser')

    // Tab to the checked radio, arrow to the second role, tab to the button and press it.
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'role-0')
    await page.keyboard.press('ArrowDown')
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'role-1')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Sign in')
    await Promise.all([page.waitForURL(`${server.url}/saml`), page.keyboard.press('Enter')])
    await page.waitForSelector('h1:has-text("SAML response received")')
    await screenshot(page, 'saml-endpoint')

    const form = posted.at(-1)
    const samlResponse = form?.get('SAMLResponse') ?? ''
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [`${PROD_ADMIN},${PROVIDER}`])
    const profile = await validateWithNodeSaml(samlResponse, metadata)
    assert.equal(profile.nameID, 'alice@example.com')
    await page.close()
  })

  test('a user who must give a TOTP code is asked for it; one role is posted at once', async () => {
    const page = await context.newPage()
    // Alice is still signed in: the sign-in page leads to her roles, and she signs out.
    await page.goto(`${server.url}/idp/${ACCOUNT}/sso`)
    assert.equal(page.url(), `${server.url}/idp/${ACCOUNT}/roles`)
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Tab')
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Sign out')
    await Promise.all([
      page.waitForURL(`${server.url}/idp/${ACCOUNT}/sso`),
      page.keyboard.press('Enter'),
    ])
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'username')
    await page.keyboard.type('bob')
    await page.keyboard.press('Tab')
    await page.keyboard.type('bob-password')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/idp/${ACCOUNT}/totp`)
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'code')
    await fitsNarrowWindow(page)
    await screenshot(page, 'totp-prompt')
    const before = posted.length
    // With scripts off the posting page waits for its button: the fallback, and a page to see.
    const devtools = await context.newCDPSession(page)
    await devtools.send('Emulation.setScriptExecutionDisabled', { value: true })
    await page.keyboard.type(new TOTP({ secret: bobSeed }).generate())
    await page.keyboard.press('Enter')
    await page.waitForSelector('h1:has-text("Signing in to AWS")')
    assert.equal(posted.length, before)
    await fitsNarrowWindow(page)
    await screenshot(page, 'posting-response')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate<string>('document.activeElement?.textContent'), 'Continue')
    await Promise.all([page.waitForURL(`${server.url}/saml`), page.keyboard.press('Enter')])
    await page.waitForSelector('h1:has-text("SAML response received")')
    await screenshot(page, 'saml-endpoint-after-totp')
    assert.equal(posted.length, before + 1)
    const samlResponse = posted.at(-1)?.get('SAMLResponse') ?? ''
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [`${DEVELOPER},${PROVIDER}`])
    await validateWithNodeSaml(samlResponse, metadata)
    await page.close()
  })

  test('the screenshots of every page are kept', (t) => {
    assert.ok(shots >= 7, `${shots} screenshots`)
    t.diagnostic(`screenshots in ${join(dir, 'screenshots')}`)
  })
})
