// Everything under PUBLIC_URL/idp/ACCOUNT/: the app's metadata (public, cacheable) and the
// browser sign-in, read as a pipeline of pages: the login form (sso), the one-time code where the
// user must give one (totp), the role chooser when they hold several roles (roles), and the page
// that posts the signed response on to the SAML endpoint. Every form carries the session's CSRF
// token; failed sign-ins are rate-limited; unknown accounts and paths answer 404 alike.
import { timingSafeEqual } from 'node:crypto'
import { AwsError } from '../../core/errors.js'
import type { IdpAppRecord, IdpUserRecord } from '../../store/idp-records.js'
import type { IdentityProvider, OfferedRole } from '../identity-provider.js'
import { USER_NAME } from '../names.js'
import { PasswordCheck } from '../sign-in.js'
import type { PasswordHasher } from '../sign-in.js'
import { acceptTotpCode } from '../totp.js'
import { FailedSignIns } from './failed-sign-ins.js'
import type { FailureLimits } from './failed-sign-ins.js'
import { loginPage, messagePage, postPage, rolesPage, totpPage } from './pages.js'
import type { PageContext } from './pages.js'
import {
  STAGE_TTL_SECONDS,
  cookieName,
  openSession,
  passwordTag,
  readCookie,
  sealSession,
  setCookie,
} from './session-cookie.js'
import type { Session } from './session-cookie.js'
import type { WebRequest, WebResponse } from './web-message.js'
import { header, securePage, textResponse } from './web-message.js'

const PATH = /^\/idp\/(\d{12})(\/[a-z-]*)?\/?$/

/** SPs fetch metadata now and then; a rotation shows within five minutes. */
const METADATA_MAX_AGE = 300

/** A sign-in form is small; anything bigger is not one. */
const MAX_FORM_BYTES = 16 * 1024

export interface IdpPagesOptions {
  limits?: FailureLimits
  /** scrypt unless given: a test counts the hashes a sign-in runs. */
  passwords?: PasswordHasher
}

/** One request to a page, with what every page needs. */
interface Visit {
  request: WebRequest
  accountId: string
  app: IdpAppRecord
  session: Session | undefined
  secure: boolean
  nonce: string
  now: Date
}

const randomToken = (idp: IdentityProvider, bytes: number) =>
  Buffer.from(idp.random(bytes)).toString('base64url')

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export class IdpPages {
  private readonly failures: FailedSignIns
  private readonly passwords: PasswordCheck

  constructor(
    private readonly idp: IdentityProvider,
    options: IdpPagesOptions = {},
  ) {
    this.failures = new FailedSignIns(idp.clock, options.limits)
    this.passwords = new PasswordCheck(options.passwords)
  }

  async handle(request: WebRequest): Promise<WebResponse> {
    const match = PATH.exec(request.path)
    if (!match) return notFound()
    const accountId = match[1] ?? ''
    const name = match[2] ?? '/'
    if (name === '/metadata') return this.metadata(request, accountId)
    const app = await this.idp.store.read((repo) => repo.idpApps.get(accountId))
    if (!app) return notFound()
    const now = this.idp.clock.now()
    const secure = request.secure || this.idp.publicUrl().startsWith('https:')
    const token = readCookie(request, cookieName(accountId, secure))
    const visit: Visit = {
      request,
      accountId,
      app,
      session: await openSession(token, app.cookieKey, accountId, now),
      secure,
      nonce: randomToken(this.idp, 16),
      now,
    }
    const get = request.method === 'GET' || request.method === 'HEAD'
    const post = request.method === 'POST'
    switch (name) {
      case '/':
        return get ? redirect(`${this.base(accountId)}/sso`) : methodNotAllowed('GET')
      case '/sso':
        if (get) return this.showLogin(visit)
        return post ? this.submitLogin(visit) : methodNotAllowed('GET, POST')
      case '/totp':
        if (get) return this.showTotp(visit)
        return post ? this.submitTotp(visit) : methodNotAllowed('GET, POST')
      case '/roles':
        if (get) return this.showRoles(visit)
        return post ? this.submitRole(visit) : methodNotAllowed('GET, POST')
      case '/sign-out':
        return post ? this.signOut(visit) : methodNotAllowed('POST')
      default:
        return notFound()
    }
  }

  private base(accountId: string): string {
    return new URL(this.idp.entityId(accountId)).pathname
  }

  private async metadata(request: WebRequest, accountId: string): Promise<WebResponse> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed('GET, HEAD')
    const xml = await this.idp.metadata(accountId)
    if (xml === undefined) return notFound()
    return {
      status: 200,
      headers: {
        'content-type': 'application/samlmetadata+xml; charset=utf-8',
        'cache-control': `public, max-age=${METADATA_MAX_AGE}`,
        'content-disposition': `inline; filename="rolegate-idp-${accountId}-metadata.xml"`,
      },
      body: xml,
    }
  }

  // --- the pages ---------------------------------------------------------------------------

  private async showLogin(visit: Visit): Promise<WebResponse> {
    const { session } = visit
    if (session?.stage === 'signed-in') return redirect(`${this.base(visit.accountId)}/roles`)
    if (session?.stage === 'totp') return redirect(`${this.base(visit.accountId)}/totp`)
    // The stand-in hash is made now, before any password arrives to be timed against it.
    void this.passwords.warm()
    const fresh = session ?? this.anonymous()
    return this.render(visit, 200, loginPage(this.context(visit, fresh)), fresh)
  }

  private async submitLogin(visit: Visit): Promise<WebResponse> {
    const form = await this.form(visit)
    if (form instanceof Response) return form.response
    const session = visit.session
    if (!form || !session || !this.csrfHolds(visit, session, form)) return this.expired(visit)
    const userName = (form.get('username') ?? '').trim()
    const password = form.get('password') ?? ''
    const address = visit.request.sourceIp
    const wait = this.failures.retryAfterMs(visit.accountId, userName, address)
    if (wait > 0) return this.tooMany(visit, session, wait, userName)
    await this.passwords.warm()
    const validName = userName.length <= USER_NAME.max && USER_NAME.pattern.regex.test(userName)
    const found = validName
      ? await this.idp.store.read((repo) => repo.idpDirectory.getUser(visit.accountId, userName))
      : undefined
    const user = await this.passwords.verify(found, password.slice(0, 1024))
    if (!user) {
      this.failures.record(visit.accountId, userName, address)
      const page = loginPage(this.context(visit, session), {
        error: 'Your user name or password is incorrect.',
        userName: userName.slice(0, 64),
      })
      return this.render(visit, 401, page, session)
    }
    this.failures.succeeded(visit.accountId, userName)
    const next: Session = {
      stage: user.totpSeed === null ? 'signed-in' : 'totp',
      csrf: randomToken(this.idp, 24),
      userId: user.userId,
      authnAt: visit.now,
      multiFactor: false,
      passwordTag: passwordTag(user.passwordHash),
    }
    const to = next.stage === 'totp' ? 'totp' : 'roles'
    return this.withSession(visit, redirect(`${this.base(visit.accountId)}/${to}`), next)
  }

  private async showTotp(visit: Visit): Promise<WebResponse> {
    const { session } = visit
    if (session?.stage !== 'totp') return redirect(`${this.base(visit.accountId)}/sso`)
    return this.render(visit, 200, totpPage(this.context(visit, session)), session)
  }

  private async submitTotp(visit: Visit): Promise<WebResponse> {
    const form = await this.form(visit)
    if (form instanceof Response) return form.response
    const session = visit.session
    if (!form || session?.stage !== 'totp' || !this.csrfHolds(visit, session, form)) {
      return this.expired(visit)
    }
    const user = await this.currentUser(visit, session)
    if (!user || user.totpSeed === null) return this.expired(visit)
    const address = visit.request.sourceIp
    const wait = this.failures.retryAfterMs(visit.accountId, user.userName, address)
    if (wait > 0) return this.tooMany(visit, this.anonymous(), wait, user.userName)
    const code = (form.get('code') ?? '').trim()
    const step = acceptTotpCode(user.totpSeed, code, visit.now, user.totpLastStep)
    // A code is good once: the step is taken in a transaction, so two posts of one code race.
    const taken =
      step !== undefined &&
      (await this.idp.store.transaction(async (repo) => {
        const current = await repo.idpDirectory.getUserById(user.userId)
        if (!current || (current.totpLastStep !== null && current.totpLastStep >= step)) {
          return false
        }
        await repo.idpDirectory.updateUser({ ...current, totpLastStep: step })
        return true
      }))
    if (!taken) {
      this.failures.record(visit.accountId, user.userName, address)
      const page = totpPage(this.context(visit, session), {
        error:
          'That code is not right, or it was used already. Enter the next code your app shows.',
      })
      return this.render(visit, 401, page, session)
    }
    this.failures.succeeded(visit.accountId, user.userName)
    const next: Session = {
      ...session,
      stage: 'signed-in',
      csrf: randomToken(this.idp, 24),
      multiFactor: true,
    }
    return this.withSession(visit, redirect(`${this.base(visit.accountId)}/roles`), next)
  }

  private async showRoles(visit: Visit): Promise<WebResponse> {
    const signedIn = await this.signedIn(visit)
    if (signedIn instanceof Response) return signedIn.response
    const { session, user, roles, alias } = signedIn
    const [only] = roles
    if (roles.length === 1 && only) return this.post(visit, session, user, only)
    const page = rolesPage(this.context(visit, session), {
      roles,
      alias,
      userName: user.userName,
    })
    return this.render(visit, 200, page, session)
  }

  private async submitRole(visit: Visit): Promise<WebResponse> {
    const form = await this.form(visit)
    if (form instanceof Response) return form.response
    if (!form || !visit.session || !this.csrfHolds(visit, visit.session, form)) {
      return this.expired(visit)
    }
    const signedIn = await this.signedIn(visit)
    if (signedIn instanceof Response) return signedIn.response
    const { session, user, roles, alias } = signedIn
    const chosen = roles.find((role) => role.roleArn === form.get('role'))
    if (!chosen) {
      const page = rolesPage(this.context(visit, session), {
        roles,
        alias,
        userName: user.userName,
      })
      return this.render(visit, 400, page, session)
    }
    return this.post(visit, session, user, chosen)
  }

  private async signOut(visit: Visit): Promise<WebResponse> {
    const response = redirect(`${this.base(visit.accountId)}/sso`)
    response.headers['set-cookie'] = setCookie({
      name: cookieName(visit.accountId, visit.secure),
      value: '',
      maxAge: 0,
      secure: visit.secure,
      accountId: visit.accountId,
    })
    return this.secured(response, visit.nonce)
  }

  // --- the steps they share ---------------------------------------------------------------

  /** The page that posts a response for this one role to the SAML endpoint. */
  private async post(
    visit: Visit,
    session: Session,
    user: IdpUserRecord,
    role: OfferedRole,
  ): Promise<WebResponse> {
    const keys = await this.idp.store.read((repo) => repo.idpApps.listKeys(visit.accountId))
    const response = this.idp.respond({
      app: visit.app,
      keys,
      user,
      roles: [role],
      recipient: this.idp.recipients()[0] ?? '',
      multiFactor: session.multiFactor === true,
      authnInstant: session.authnAt ?? visit.now,
    })
    const page = postPage(this.context(visit, session), {
      action: this.idp.samlEndpoint(),
      samlResponse: response.base64,
      role,
    })
    return this.render(visit, 200, page, session)
  }

  /** The signed-in user and the roles they are offered, or the page to show instead. */
  private async signedIn(visit: Visit): Promise<
    | Response
    | {
        session: Session
        user: IdpUserRecord
        roles: OfferedRole[]
        alias: string | undefined
      }
  > {
    const session = visit.session
    if (session?.stage !== 'signed-in') {
      return new Response(redirect(`${this.base(visit.accountId)}/sso`))
    }
    const user = await this.currentUser(visit, session)
    // A second factor required since the sign-in asks for it now.
    if (!user || (user.totpSeed !== null && session.multiFactor !== true)) {
      return new Response(this.expired(visit))
    }
    let learned
    try {
      learned = await this.idp.accountRoles(visit.app)
    } catch (error) {
      if (!(error instanceof AwsError)) throw error
      return new Response(
        this.render(
          visit,
          503,
          messagePage(this.context(visit, session), {
            title: 'AWS is not set up yet',
            message:
              "This account's AWS app cannot list its roles yet. Ask your administrator to give it an access key.",
            signOut: true,
          }),
          session,
        ),
      )
    }
    const offered = await this.idp.store.read((repo) =>
      this.idp.userRoles(repo, visit.app, user, learned),
    )
    if (offered.roles.length === 0) {
      return new Response(
        this.render(
          visit,
          403,
          messagePage(this.context(visit, session), {
            title: 'No AWS roles',
            message: `No AWS role is assigned to ${user.userName}. Ask your administrator for access.`,
            signOut: true,
          }),
          session,
        ),
      )
    }
    return { session, user, ...offered }
  }

  /** The session's user, as long as their password has not changed since they signed in. */
  private async currentUser(visit: Visit, session: Session): Promise<IdpUserRecord | undefined> {
    if (session.userId === undefined) return undefined
    const userId = session.userId
    const user = await this.idp.store.read((repo) => repo.idpDirectory.getUserById(userId))
    if (!user || user.accountId !== visit.accountId) return undefined
    if (passwordTag(user.passwordHash) !== session.passwordTag) return undefined
    return user
  }

  private anonymous(): Session {
    return { stage: 'anonymous', csrf: randomToken(this.idp, 24) }
  }

  private csrfHolds(visit: Visit, session: Session, form: URLSearchParams): boolean {
    // Browsers name the page a POST came from; one from elsewhere is refused before the token.
    const origin = header(visit.request, 'origin')
    if (origin !== undefined && origin !== new URL(this.idp.publicUrl()).origin) return false
    return sameToken(form.get('csrf') ?? '', session.csrf)
  }

  /** The posted form; undefined when it is not one; a Response when it is too big. */
  private async form(visit: Visit): Promise<URLSearchParams | undefined | Response> {
    const type = header(visit.request, 'content-type') ?? ''
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
    if (visit.request.body.byteLength > MAX_FORM_BYTES) {
      return new Response(textResponse(413, 'The form is too large.\n'))
    }
    return new URLSearchParams(new TextDecoder().decode(visit.request.body))
  }

  /** A form whose session or token does not hold: a fresh login form, said plainly. */
  private async expired(visit: Visit): Promise<WebResponse> {
    const fresh = this.anonymous()
    const page = loginPage(this.context(visit, fresh), {
      error: 'Your sign-in expired or the form was not sent from this page. Sign in again.',
    })
    return this.render(visit, 403, page, fresh)
  }

  private async tooMany(
    visit: Visit,
    session: Session,
    waitMs: number,
    userName: string,
  ): Promise<WebResponse> {
    const minutes = Math.max(1, Math.ceil(waitMs / 60_000))
    const page = loginPage(this.context(visit, session), {
      error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      userName: userName.slice(0, 64),
    })
    const response = await this.render(visit, 429, page, session)
    response.headers['retry-after'] = String(Math.ceil(waitMs / 1000))
    return response
  }

  private context(visit: Visit, session: Session): PageContext {
    return {
      accountId: visit.accountId,
      nonce: visit.nonce,
      csrf: session.csrf,
      base: this.base(visit.accountId),
    }
  }

  private async render(
    visit: Visit,
    status: number,
    body: string,
    session: Session,
  ): Promise<WebResponse> {
    const response: WebResponse = {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: visit.request.method === 'HEAD' ? '' : body,
    }
    return this.withSession(visit, response, session)
  }

  private async withSession(
    visit: Visit,
    response: WebResponse,
    session: Session,
  ): Promise<WebResponse> {
    const value = await sealSession(session, visit.app.cookieKey, visit.accountId, visit.now)
    response.headers['set-cookie'] = setCookie({
      name: cookieName(visit.accountId, visit.secure),
      value,
      maxAge: STAGE_TTL_SECONDS[session.stage],
      secure: visit.secure,
      accountId: visit.accountId,
    })
    return this.secured(response, visit.nonce)
  }

  /** The headers every page carries; its forms may post on to the SAML endpoint. */
  private secured(response: WebResponse, nonce: string): WebResponse {
    return securePage(response, nonce, [this.idp.samlEndpoint()])
  }
}

/** A page to answer instead of going on (wrapped, so it is told apart from the happy path). */
class Response {
  constructor(readonly response: WebResponse | Promise<WebResponse>) {}
}

const notFound = () => textResponse(404, 'Not found.\n')

function redirect(location: string): WebResponse {
  return {
    status: 303,
    headers: { location, 'cache-control': 'no-store', 'content-type': 'text/plain' },
    body: '',
  }
}

function methodNotAllowed(allow: string): WebResponse {
  const response = textResponse(405, 'Method not allowed.\n')
  response.headers['allow'] = allow
  return response
}
