// The built-in IdP's sign-in in a real browser, through to credentials: headless Chromium (Debian's,
// driven by playwright-core) against a running server set up as the README's SAML walk-through
// (test/support/idp-seed.ts), with the keyboard alone and a 360 px wide window. A user with two
// roles signs in, picks one from the chooser (account and role names, as AWS's chooser shows
// them), the page posts the signed response (which an independent SP, node-saml, accepts against
// the app's metadata) to PUBLIC_URL/saml, and rolegate's /saml shows the credentials: the export
// lines, pasted into a shell, make the AWS CLI's get-caller-identity print exactly what the page
// shows. A user who must give a TOTP code is asked for it; a response with several roles posted
// from elsewhere meets /saml's own chooser. Every page is saved as a screenshot in the test's
// temporary folder.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TOTP } from 'otpauth'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { shellScript } from '../support/aws-cli.js'
import { ROLE_ATTRIBUTE, attributeValues, validateWithNodeSaml } from '../support/idp.js'
import {
  ALICE,
  BOB,
  OKTA_DEVELOPER,
  OKTA_PROD_ADMIN,
  SEED_ACCOUNT,
  SEED_ALIAS,
  SEED_PROVIDER,
  seedIdp,
} from '../support/idp-seed.js'
import type { IdpSeed } from '../support/idp-seed.js'
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
const ACCOUNT = SEED_ACCOUNT

const skip = requireOrSkip(
  existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM} (apt-get install chromium)`,
)

describe('browser sign-in in headless Chromium, through to credentials', { skip }, () => {
  let server: TestServer
  let seed: IdpSeed
  let dir: string
  let context: BrowserContext
  /** The forms posted to PUBLIC_URL/saml, as the browser sent them. */
  const posted: URLSearchParams[] = []
  let shots = 0

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

  const focused = (page: Page) => page.evaluate<string>('document.activeElement?.id ?? ""')
  const focusedText = (page: Page) =>
    page.evaluate<string>('document.activeElement?.textContent ?? ""')

  /**
   * The credentials page as a person uses it: the export lines, reached and selected with the
   * keyboard, pasted into a shell, make the AWS CLI print exactly the identity the page shows.
   */
  async function useCredentials(page: Page, role: string, session: string) {
    await page.waitForSelector('h1:has-text("Signed in as")')
    assert.equal(await page.title(), 'Credentials - rolegate')
    assert.equal((await page.textContent('h1'))?.trim(), `Signed in as ${role}`)
    await fitsNarrowWindow(page)
    await page.keyboard.press('Tab')
    assert.equal(await focused(page), 'credentials')
    await page.keyboard.press('Control+A')
    const selection = await page.evaluate<{ start: number; end: number; length: number }>(
      `(() => { const t = document.getElementById('credentials'); return { start: t.selectionStart, end: t.selectionEnd, length: t.value.length } })()`,
    )
    assert.deepEqual(selection, { start: 0, end: selection.length, length: selection.length })
    const lines = await page.inputValue('#credentials')
    assert.match(
      lines,
      /^export AWS_ACCESS_KEY_ID=ASIA[A-Z0-9]{16}\nexport AWS_SECRET_ACCESS_KEY=\S+\nexport AWS_SESSION_TOKEN=\S+$/,
    )
    const shown = (await page.textContent('#caller-identity')) ?? ''
    const shell = await shellScript(
      { endpoint: server.url },
      `${lines}\naws --output json sts get-caller-identity`,
    )
    assert.equal(shell.code, 0, shell.stderr)
    assert.equal(shell.stdout.trim(), shown.trim())
    const identity = JSON.parse(shown) as { Arn: string; Account: string }
    assert.equal(identity.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`)
    assert.equal(identity.Account, ACCOUNT)
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-idp-browser-'))
    server = await startTestServer()
    seed = await seedIdp(server, dir)
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 360, height: 740 },
    })
    context.on('request', (request) => {
      if (request.url() === `${server.url}/saml` && request.method() === 'POST') {
        posted.push(new URLSearchParams(request.postData() ?? ''))
      }
    })
  })

  after(async () => {
    await context?.close()
    await server?.cleanup()
    // The screenshots stay, to be looked at; the browser profile goes.
    rmSync(join(dir, 'profile'), { recursive: true, force: true })
  })

  test('two roles: sign in, pick one, and the credentials page works with the AWS CLI', async () => {
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
    assert.equal(await focused(page), 'username')
    await page.keyboard.type(ALICE.name)
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
    assert.equal(await focused(page), 'password')
    await page.keyboard.type(ALICE.password)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/idp/${ACCOUNT}/roles`)
    assert.equal(await page.title(), 'Select a role - rolegate')
    assert.equal((await page.textContent('legend'))?.trim(), `Account: ${SEED_ALIAS} (${ACCOUNT})`)
    const names = await page.$$eval('.role label', (labels) =>
      labels.map((label) => label.firstChild?.textContent ?? ''),
    )
    assert.deepEqual(names, ['OktaDeveloper', 'OktaProdAdminRole'])
    await fitsNarrowWindow(page)
    await screenshot(page, 'role-chooser')

    // Tab to the checked radio, arrow to the second role, tab to the button and press it.
    await page.keyboard.press('Tab')
    assert.equal(await focused(page), 'role-0')
    await page.keyboard.press('ArrowDown')
    assert.equal(await focused(page), 'role-1')
    await page.keyboard.press('Tab')
    assert.equal(await focusedText(page), 'Sign in')
    await Promise.all([page.waitForURL(`${server.url}/saml`), page.keyboard.press('Enter')])
    await useCredentials(page, 'OktaProdAdminRole', ALICE.name)
    await screenshot(page, 'credentials')

    // What was posted: the chosen role alone, signed so that node-saml accepts it.
    const samlResponse = posted.at(-1)?.get('SAMLResponse') ?? ''
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [`${OKTA_PROD_ADMIN},${SEED_PROVIDER}`])
    const profile = await validateWithNodeSaml(samlResponse, seed.metadata)
    assert.equal(profile.nameID, ALICE.name)
    await page.close()
  })

  test('a user who must give a TOTP code is asked for it; one role signs in at once', async () => {
    const page = await context.newPage()
    // Alice is still signed in: the sign-in page leads to her roles, and she signs out.
    await page.goto(`${server.url}/idp/${ACCOUNT}/sso`)
    assert.equal(page.url(), `${server.url}/idp/${ACCOUNT}/roles`)
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Tab')
    assert.equal(await focusedText(page), 'Sign out')
    await Promise.all([
      page.waitForURL(`${server.url}/idp/${ACCOUNT}/sso`),
      page.keyboard.press('Enter'),
    ])
    assert.equal(await focused(page), 'username')
    await page.keyboard.type(BOB.name)
    await page.keyboard.press('Tab')
    await page.keyboard.type(BOB.password)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${server.url}/idp/${ACCOUNT}/totp`)
    assert.equal(await focused(page), 'code')
    await fitsNarrowWindow(page)
    await screenshot(page, 'totp-prompt')
    const before = posted.length
    // With scripts off the posting page waits for its button: the fallback, and a page to see.
    const devtools = await context.newCDPSession(page)
    await devtools.send('Emulation.setScriptExecutionDisabled', { value: true })
    await page.keyboard.type(new TOTP({ secret: seed.bobSeed }).generate())
    await page.keyboard.press('Enter')
    await page.waitForSelector('h1:has-text("Signing in to AWS")')
    assert.equal(posted.length, before)
    await fitsNarrowWindow(page)
    await screenshot(page, 'posting-response')
    await page.keyboard.press('Tab')
    assert.equal(await focusedText(page), 'Continue')
    await Promise.all([page.waitForURL(`${server.url}/saml`), page.keyboard.press('Enter')])
    await useCredentials(page, 'OktaDeveloper', BOB.name)
    await screenshot(page, 'credentials-after-totp')
    assert.equal(posted.length, before + 1)
    const xml = Buffer.from(posted.at(-1)?.get('SAMLResponse') ?? '', 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [`${OKTA_DEVELOPER},${SEED_PROVIDER}`])
    await page.close()
  })

  test("several roles posted from elsewhere: /saml's own chooser, its cookie, then credentials", async () => {
    // An IdP on another site posts both of alice's roles (as Okta's app posts to AWS).
    const samlResponse = (await seed.rolegate(['idp', 'assertion', '--user', ALICE.name])).trim()
    const page = await context.newPage()
    await page.setContent(
      `<form method="post" action="${server.url}/saml"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button>Post</button></form>`,
    )
    await Promise.all([page.waitForURL(`${server.url}/saml`), page.click('button')])
    await page.waitForSelector('h1:has-text("Select a role")')
    assert.equal((await page.textContent('legend'))?.trim(), `Account: ${SEED_ALIAS} (${ACCOUNT})`)
    const names = await page.$$eval('.role label', (labels) =>
      labels.map((label) => label.firstChild?.textContent ?? ''),
    )
    assert.deepEqual(names, ['OktaDeveloper', 'OktaProdAdminRole'])
    const cookie = (await context.cookies(`${server.url}/saml`)).find(
      (c) => c.name === 'rolegate-saml',
    )
    assert.equal(cookie?.httpOnly, true)
    assert.equal(cookie?.sameSite, 'Strict')
    await fitsNarrowWindow(page)
    await screenshot(page, 'saml-role-chooser')
    // A page elsewhere posting the chooser's own fields, token and all, is refused: its Origin is
    // not rolegate's, and the browser keeps the SameSite=Strict cookie from a post it starts.
    const csrf = await page.inputValue('input[name=csrf]')
    const forger = await context.newPage()
    await forger.setContent(
      `<form method="post" action="${server.url}/saml"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><input type="hidden" name="roleIndex" value="${OKTA_PROD_ADMIN}"><input type="hidden" name="csrf" value="${csrf}"><button>Post</button></form>`,
    )
    await Promise.all([forger.waitForURL(`${server.url}/saml`), forger.click('button')])
    await forger.waitForSelector('h1:has-text("Sign-in expired")')
    assert.ok(!(await forger.content()).includes('ASIA'))
    await screenshot(forger, 'saml-forged-choice')
    await forger.close()

    // The person's own choice still holds: the first role is checked; tab to it, then the button.
    await page.keyboard.press('Tab')
    assert.equal(await focused(page), 'role-0')
    await page.keyboard.press('Tab')
    assert.equal(await focusedText(page), 'Sign in')
    await Promise.all([page.waitForURL(`${server.url}/saml`), page.keyboard.press('Enter')])
    await useCredentials(page, 'OktaDeveloper', ALICE.name)
    await screenshot(page, 'saml-credentials')
    // The chooser's cookie is spent with its use.
    const spent = (await context.cookies(`${server.url}/saml`)).find(
      (c) => c.name === 'rolegate-saml',
    )
    assert.equal(spent, undefined)
    await page.close()
  })

  test('the screenshots of every page are kept', (t) => {
    assert.ok(shots >= 10, `${shots} screenshots`)
    t.diagnostic(`screenshots in ${join(dir, 'screenshots')}`)
  })
})
