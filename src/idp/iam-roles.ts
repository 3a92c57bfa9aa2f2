// How the app learns the account's roles, as Okta's AWS app does: through the IAM API, signed with
// an IAM user's access key (least privilege: iam:ListRoles and iam:ListAccountAliases), never by
// reading the store behind IAM's back. Each role is offered with the SAML provider its trust
// policy names for sts:AssumeRoleWithSAML, unless the app is told which provider to name.
import { DOMParser } from '@xmldom/xmldom'
import type { Element as XmlElement } from '@xmldom/xmldom'
import { AwsError } from '../core/errors.js'
import { parsePolicy } from '../policy/index.js'

export interface AccessKeyPair {
  accessKeyId: string
  secretAccessKey: string
}

/** An IAM answer as it came over the API: its status and XML body. */
export interface IamAnswer {
  status: number
  body: string
}

/**
 * Calls one action of rolegate's own IAM or STS API (Query protocol), signed with SigV4 by `key`,
 * exactly as any client would; the composition root wires it to the server's HTTP app.
 */
export type ApiQuery = (
  key: AccessKeyPair,
  service: 'iam' | 'sts',
  action: string,
  params: Record<string, string>,
) => Promise<IamAnswer>

export interface LearnedRole {
  arn: string
  name: string
  /** SAML providers the trust policy lets assume the role with sts:AssumeRoleWithSAML. */
  samlProviders: string[]
}

export interface AccountRoles {
  roles: LearnedRole[]
  /** The account's alias, if it has one: the role chooser shows it as AWS's does. */
  alias: string | undefined
}

/** IAM refused or failed: the app cannot learn the roles with the key it was given. */
export class RoleLearningError extends AwsError {
  constructor(
    readonly iamCode: string,
    iamMessage: string,
    accessKeyId: string,
  ) {
    super(
      'InvalidInput',
      `The app could not learn the account's roles with access key ${accessKeyId}: ${iamCode}: ${iamMessage}`,
    )
  }
}

const ELEMENT_NODE = 1
const MAX_PAGES = 100

function children(parent: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = []
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE && (node as XmlElement).localName === name) {
      found.push(node as XmlElement)
    }
  }
  return found
}

const child = (parent: XmlElement | undefined, name: string) =>
  parent === undefined ? undefined : children(parent, name)[0]

const text = (parent: XmlElement | undefined, name: string) =>
  child(parent, name)?.textContent ?? undefined

function parse(answer: IamAnswer): XmlElement | undefined {
  if (!answer.body.trimStart().startsWith('<')) return undefined
  return (
    new DOMParser({ onError: () => undefined }).parseFromString(answer.body, 'text/xml')
      .documentElement ?? undefined
  )
}

/** The `<ACTIONResult>` element, or RoleLearningError with IAM's code and message. */
async function call(
  query: ApiQuery,
  key: AccessKeyPair,
  action: string,
  params: Record<string, string>,
  service: 'iam' | 'sts' = 'iam',
): Promise<XmlElement> {
  const answer = await query(key, service, action, params)
  const root = parse(answer)
  const error = root?.localName === 'ErrorResponse' ? child(root, 'Error') : undefined
  if (answer.status !== 200 || root === undefined || error !== undefined) {
    throw new RoleLearningError(
      text(error, 'Code') ?? `HTTP ${answer.status}`,
      text(error, 'Message') ?? '',
      key.accessKeyId,
    )
  }
  const result = child(root, `${action}Result`)
  if (!result) throw new RoleLearningError('InvalidResponse', `no ${action}Result`, key.accessKeyId)
  return result
}

/** An action pattern (`sts:AssumeRoleWithSAML`, `sts:Assume*`, `*`) matching the SAML action. */
function allowsSamlFederation(pattern: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`, 'i').test('sts:AssumeRoleWithSAML')
}

/** SAML provider ARNs a trust policy allows sts:AssumeRoleWithSAML for. */
export function samlProvidersTrusted(trustPolicy: string): string[] {
  let statements
  try {
    statements = parsePolicy(trustPolicy, 'trust').statements
  } catch {
    return []
  }
  const providers: string[] = []
  for (const statement of statements) {
    if (statement.effect !== 'Allow' || statement.principal?.kind !== 'typed') continue
    const actions = statement.action ?? []
    if (!actions.some(allowsSamlFederation)) continue
    for (const arn of statement.principal.values['Federated'] ?? []) {
      if (/^arn:aws:iam::\d{12}:saml-provider\/[\w.-]+$/.test(arn) && !providers.includes(arn)) {
        providers.push(arn)
      }
    }
  }
  return providers
}

/** Every role of the key's account (ListRoles, all pages) and its alias (ListAccountAliases). */
export async function learnAccountRoles(
  query: ApiQuery,
  key: AccessKeyPair,
): Promise<AccountRoles> {
  const roles: LearnedRole[] = []
  let marker: string | undefined
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await call(query, key, 'ListRoles', {
      MaxItems: '1000',
      ...(marker === undefined ? {} : { Marker: marker }),
    })
    for (const member of children(child(result, 'Roles') ?? result, 'member')) {
      const arn = text(member, 'Arn') ?? ''
      const document = decodeURIComponent(text(member, 'AssumeRolePolicyDocument') ?? '')
      roles.push({
        arn,
        name: text(member, 'RoleName') ?? '',
        samlProviders: samlProvidersTrusted(document),
      })
    }
    marker = text(result, 'IsTruncated') === 'true' ? text(result, 'Marker') : undefined
    if (marker === undefined) break
  }
  const aliases = await call(query, key, 'ListAccountAliases', {})
  const alias = children(child(aliases, 'AccountAliases') ?? aliases, 'member')[0]?.textContent
  return { roles, alias: alias ?? undefined }
}

/** The account a key belongs to: sts:GetCallerIdentity, which no policy can deny. */
export async function accountOfKey(query: ApiQuery, key: AccessKeyPair): Promise<string> {
  const result = await call(query, key, 'GetCallerIdentity', {}, 'sts')
  return text(result, 'Account') ?? ''
}
