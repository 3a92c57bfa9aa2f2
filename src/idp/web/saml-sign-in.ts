// rolegate's SAML endpoint for browsers, PUBLIC_URL/saml, standing in for AWS's sign-in: an IdP
// posts a SAMLResponse there; when the response names several roles the person picks one (the
// chooser's form carries the response on, with a CSRF token bound to a cookie), then
// AssumeRoleWithSAML runs as the real STS operation, called in process as a client would call it,
// and the page shows the session's identity and credentials, or STS's refusal.
import { timingSafeEqual } from 'node:crypto'
import { AwsError } from '../../core/errors.js'
import { namedRolePairs } from '../../federation/saml/index.js'
import type { RolePair } from '../../federation/saml/index.js'
import { chooserPage, credentialsPage, refusalPage, samlMessagePage } from './saml-pages.js'
import type { ChooserAccount, SamlPageContext } from './saml-pages.js'
import { readCookie } from './session-cookie.js'
import {
  callerIdentityJson,
  exportLines,
  isRefusal,
  readAssumedRole,
  readCallerIdentity,
} from './sts-answers.js'
import type { StsAnswer, StsRefusal } from './sts-answers.js'
import type { WebRequest, WebResponse } from './web-message.js'
import { header, securePage, textResponse } from './web-message.js'

/** A session's credentials, to sign the calls made with them. */
export interface SessionKey {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
}

/** The person's side of the request: what their own call to STS would have carried. */
export interface CallerOrigin {
  sourceIp: string
  secure: boolean
  userAgent: string
}

/**
 * rolegate's STS as a client reaches it (the composition root wires it to the HTTP app):
 * unsigned without a key (AssumeRoleWithSAML), signed with the session's key otherwise.
 */
export type StsQuery = (
  action: string,
  params: Record<string, string>,
  origin: CallerOrigin,
  key?: SessionKey,
) => Promise<StsAnswer>

/**
 * AssumeRoleWithSAML's own verification of the response against one SAML provider, without what
 * follows it (the requested pair, the trust policy, the replay record): the Role pairs of that
 * provider the verified response names. Throws STS's AwsError when the response does not verify.
 */
export type VerifyRoles = (samlResponse: string, providerArn: string) => Promise<RolePair[]>

export interface SamlSignInOptions {
  sts: StsQuery
  verify: VerifyRoles
  /** The account's alias, for the chooser and the credentials, as AWS's sign-in shows it. */
  accountAlias: (accountId: string) => Promise<string | undefined>
  publicUrl: () => string
  random: (size: number) => Uint8Array
}

/** 100,000 characters of base64, each of which may come percent-encoded, and the other fields. */
const MAX_FORM_BYTES = 320 * 1024

/** The SAML bindings allow 80 bytes; AWS's sign-in takes console URLs. Longer is dropped. */
const MAX_RELAY_STATE = 2048

/** A response is redeemable for five minutes after it is issued: the chooser lasts as long. */
const CHOOSER_SECONDS = 300

const OPERATION = 'AssumeRoleWithSAML'

interface Visit {
  request: WebRequest
  secure: boolean
  context: SamlPageContext
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const arnResource = (arn: string) => arn.split(':').slice(5).join(':')

export class SamlSignIn {
  constructor(private readonly options: SamlSignInOptions) {}

  async handle(request: WebRequest): Promise<WebResponse> {
    if (request.method !== 'POST') {
      const response = textResponse(405, 'Method not allowed: post a SAMLResponse here.\n')
      response.headers['allow'] = 'POST'
      return response
    }
    const visit: Visit = {
      request,
      secure: request.secure || this.options.publicUrl().startsWith('https:'),
      context: {
        nonce: Buffer.from(this.options.random(16)).toString('base64url'),
        action: this.path(),
      },
    }
    const type = header(request, 'content-type') ?? ''
    if (request.body.byteLength > MAX_FORM_BYTES) {
      return textResponse(413, 'The form is too large.\n')
    }
    const form = type.toLowerCase().startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(new TextDecoder().decode(request.body))
      : undefined
    const samlResponse = form?.get('SAMLResponse')?.trim() ?? ''
    if (!form || samlResponse === '') {
      return this.message(visit, 400, {
        title: 'No SAML response',
        message:
          'Nothing was posted to sign in with. Sign in at your identity provider: it posts a SAMLResponse here.',
      })
    }
    const relay = form.get('RelayState') ?? undefined
    const relayState = relay !== undefined && relay.length <= MAX_RELAY_STATE ? relay : undefined
    const chosen = form.get('roleIndex')
    if (chosen !== null) return this.choose(visit, form, samlResponse, chosen, relayState)
    return this.arrive(visit, samlResponse, relayState)
  }

  /** This endpoint's path, under the public URL (which may carry a prefix). */
  private path(): string {
    return new URL(`${this.options.publicUrl().replace(/\/+$/, '')}/saml`).pathname
  }

  private cookieName(secure: boolean): string {
    return secure ? '__Host-rolegate-saml' : 'rolegate-saml'
  }

  /** HttpOnly, SameSite=Strict, Secure under TLS (where __Host- wants the path /). */
  private cookie(visit: Visit, value: string, maxAge: number): string {
    const parts = [
      `${this.cookieName(visit.secure)}=${value}`,
      `Path=${visit.secure ? '/' : this.path()}`,
      `Max-Age=${maxAge}`,
      'HttpOnly',
      'SameSite=Strict',
    ]
    if (visit.secure) parts.push('Secure')
    return parts.join('; ')
  }

  // --- the steps -------------------------------------------------------------------------

  /** A response as the IdP posted it: refused, one role signed in to at once, or the chooser. */
  private async arrive(
    visit: Visit,
    samlResponse: string,
    relayState: string | undefined,
  ): Promise<WebResponse> {
    const pairs = await this.verifiedPairs(samlResponse)
    if (!Array.isArray(pairs)) return this.refused(visit, pairs)
    const [only] = pairs
    if (!only) return this.noRole(visit)
    if (pairs.length === 1) return this.signIn(visit, only, samlResponse)
    const csrf = Buffer.from(this.options.random(24)).toString('base64url')
    const page = chooserPage(visit.context, {
      accounts: await this.accounts(pairs),
      samlResponse,
      relayState,
      csrf,
    })
    return this.render(visit, 200, page, this.cookie(visit, csrf, CHOOSER_SECONDS))
  }

  /** The chooser's own form: its token must hold before the chosen role is signed in to. */
  private async choose(
    visit: Visit,
    form: URLSearchParams,
    samlResponse: string,
    chosen: string,
    relayState: string | undefined,
  ): Promise<WebResponse> {
    // A forged post leaves the person's own chooser (and its cookie) as it was.
    if (!this.csrfHolds(visit, form)) {
      return this.message(visit, 403, {
        title: 'Sign-in expired',
        message:
          'This form expired or was not sent from this page. Sign in again at your identity provider.',
      })
    }
    const cleared = this.cookie(visit, '', 0)
    const pairs = await this.verifiedPairs(samlResponse)
    if (!Array.isArray(pairs)) return this.refused(visit, pairs, cleared)
    const pair = pairs.find((candidate) => candidate.roleArn === chosen)
    if (!pair) {
      if (pairs.length === 0) return this.noRole(visit, cleared)
      const page = chooserPage(visit.context, {
        accounts: await this.accounts(pairs),
        samlResponse,
        relayState,
        csrf: form.get('csrf') ?? '',
        error: 'Choose one of the roles offered.',
      })
      return this.render(visit, 400, page)
    }
    return this.signIn(visit, pair, samlResponse, cleared)
  }

  /**
   * The Role pairs of the response that verify as AssumeRoleWithSAML would verify them against
   * the provider each names, or the refusal STS would answer when none does. Only pairs from a
   * verified response are ever offered.
   */
  private async verifiedPairs(samlResponse: string): Promise<RolePair[] | StsRefusal> {
    let named: RolePair[]
    try {
      named = namedRolePairs(samlResponse)
    } catch (error) {
      return refusalOf(error)
    }
    const providers = [...new Set(named.map((pair) => pair.providerArn))]
    const verified: RolePair[] = []
    let refusal: StsRefusal | undefined
    for (const provider of providers) {
      try {
        for (const pair of await this.options.verify(samlResponse, provider)) {
          const seen = verified.some(
            (held) => held.roleArn === pair.roleArn && held.providerArn === pair.providerArn,
          )
          if (!seen) verified.push(pair)
        }
      } catch (error) {
        refusal ??= refusalOf(error)
      }
    }
    return verified.length === 0 && refusal !== undefined ? refusal : verified
  }

  /** AssumeRoleWithSAML for the pair, then GetCallerIdentity as the session: the credentials page. */
  private async signIn(
    visit: Visit,
    pair: RolePair,
    samlResponse: string,
    cookie?: string,
  ): Promise<WebResponse> {
    const origin: CallerOrigin = {
      sourceIp: visit.request.sourceIp,
      secure: visit.request.secure,
      userAgent: header(visit.request, 'user-agent') ?? '',
    }
    const assumed = readAssumedRole(
      await this.options.sts(
        OPERATION,
        { RoleArn: pair.roleArn, PrincipalArn: pair.providerArn, SAMLAssertion: samlResponse },
        origin,
      ),
    )
    if (isRefusal(assumed)) return this.refused(visit, assumed, cookie)
    const identity = readCallerIdentity(
      await this.options.sts('GetCallerIdentity', {}, origin, {
        accessKeyId: assumed.accessKeyId,
        secretAccessKey: assumed.secretAccessKey,
        sessionToken: assumed.sessionToken,
      }),
    )
    if (isRefusal(identity)) return this.refused(visit, identity, cookie, 'GetCallerIdentity')
    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
    const [, roleName = '', sessionName = ''] = arnResource(identity.arn).split('/')
    const page = credentialsPage(visit.context, {
      roleName,
      sessionName,
      accountId: identity.account,
      alias: await this.options.accountAlias(identity.account),
      expiration: assumed.expiration,
      sourceIdentity: assumed.sourceIdentity,
      exportLines: exportLines(assumed),
      callerIdentityJson: callerIdentityJson(identity),
      endpoint: this.options.publicUrl().replace(/\/+$/, ''),
    })
    return this.render(visit, 200, page, cookie)
  }

  /** The pairs grouped by the roles' accounts, in the order first named, with the aliases. */
  private async accounts(pairs: readonly RolePair[]): Promise<ChooserAccount[]> {
    const roles = new Map<string, { roleArn: string; roleName: string }[]>()
    for (const pair of pairs) {
      const accountId = pair.roleArn.split(':')[4] ?? ''
      const resource = arnResource(pair.roleArn)
      const role = {
        roleArn: pair.roleArn,
        roleName: resource.slice(resource.lastIndexOf('/') + 1),
      }
      roles.set(accountId, [...(roles.get(accountId) ?? []), role])
    }
    const accounts: ChooserAccount[] = []
    for (const [accountId, held] of roles) {
      accounts.push({ accountId, alias: await this.options.accountAlias(accountId), roles: held })
    }
    return accounts
  }

  private csrfHolds(visit: Visit, form: URLSearchParams): boolean {
    // Browsers name the page a POST came from; one from elsewhere is refused before the token.
    const origin = header(visit.request, 'origin')
    if (origin !== undefined && origin !== new URL(this.options.publicUrl()).origin) return false
    const cookie = readCookie(visit.request, this.cookieName(visit.secure))
    return cookie !== undefined && cookie !== '' && sameToken(cookie, form.get('csrf') ?? '')
  }

  // --- answers ---------------------------------------------------------------------------

  private refused(
    visit: Visit,
    refusal: StsRefusal,
    cookie?: string,
    operation = OPERATION,
  ): WebResponse {
    const page = refusalPage(visit.context, { ...refusal, operation })
    return this.render(visit, refusal.status >= 400 ? refusal.status : 400, page, cookie)
  }

  private noRole(visit: Visit, cookie?: string): WebResponse {
    return this.message(
      visit,
      403,
      {
        title: 'No role to sign in to',
        message:
          'The SAML response offers no role: its https://aws.amazon.com/SAML/Attributes/Role attribute holds no pair of a role ARN and a SAML provider ARN.',
      },
      cookie,
    )
  }

  private message(
    visit: Visit,
    status: number,
    options: { title: string; message: string },
    cookie?: string,
  ): WebResponse {
    return this.render(visit, status, samlMessagePage(visit.context, options), cookie)
  }

  private render(visit: Visit, status: number, body: string, cookie?: string): WebResponse {
    const response: WebResponse = {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body,
    }
    if (cookie !== undefined) response.headers['set-cookie'] = cookie
    return securePage(response, visit.context.nonce)
  }
}

/** STS's refusal as an AwsError carries it; anything else is a failure of ours, thrown on. */
function refusalOf(error: unknown): StsRefusal {
  if (!(error instanceof AwsError)) throw error
  return { status: error.status, code: error.code, message: error.message }
}
