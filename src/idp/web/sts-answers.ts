// STS's answers as the /saml page reads them (the Query XML its in-process calls get back, as any
// client would), and what the AWS CLI prints of them: its error line, and the JSON of
// `aws sts get-caller-identity` (AWS CLI v1's `--output json`: four-space indentation, the
// members in the order of the output shape).
import { DOMParser } from '@xmldom/xmldom'
import type { Element as XmlElement } from '@xmldom/xmldom'

/** An STS answer as it came back: its status and XML body. */
export interface StsAnswer {
  status: number
  body: string
}

/** AWS's refusal: the code and message of an ErrorResponse, and the HTTP status. */
export interface StsRefusal {
  status: number
  code: string
  message: string
}

export interface AssumedRole {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: string
  assumedRoleArn: string
  assumedRoleId: string
  subject: string
  issuer: string
  sourceIdentity: string | undefined
}

export interface CallerIdentity {
  userId: string
  account: string
  arn: string
}

const ELEMENT_NODE = 1

function child(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  for (let node = parent?.firstChild ?? null; node !== null; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE && (node as XmlElement).localName === name) {
      return node as XmlElement
    }
  }
  return undefined
}

const text = (parent: XmlElement | undefined, name: string): string =>
  child(parent, name)?.textContent ?? ''

/** The `<ACTIONResult>` element, or the refusal the answer carries instead. */
function resultOf(answer: StsAnswer, action: string): XmlElement | StsRefusal {
  const root = answer.body.trimStart().startsWith('<')
    ? (new DOMParser({ onError: () => undefined }).parseFromString(answer.body, 'text/xml')
        .documentElement ?? undefined)
    : undefined
  const error = root?.localName === 'ErrorResponse' ? child(root, 'Error') : undefined
  const result = child(root, `${action}Result`)
  if (answer.status === 200 && error === undefined && result !== undefined) return result
  return {
    status: answer.status,
    code: error ? text(error, 'Code') : 'InternalFailure',
    message: error ? text(error, 'Message') : `STS answered HTTP ${answer.status}.`,
  }
}

export const isRefusal = (value: object): value is StsRefusal => 'code' in value

export function readAssumedRole(answer: StsAnswer): AssumedRole | StsRefusal {
  const result = resultOf(answer, 'AssumeRoleWithSAML')
  if (isRefusal(result)) return result
  const credentials = child(result, 'Credentials')
  const user = child(result, 'AssumedRoleUser')
  const sourceIdentity = text(result, 'SourceIdentity')
  return {
    accessKeyId: text(credentials, 'AccessKeyId'),
    secretAccessKey: text(credentials, 'SecretAccessKey'),
    sessionToken: text(credentials, 'SessionToken'),
    expiration: text(credentials, 'Expiration'),
    assumedRoleArn: text(user, 'Arn'),
    assumedRoleId: text(user, 'AssumedRoleId'),
    subject: text(result, 'Subject'),
    issuer: text(result, 'Issuer'),
    sourceIdentity: sourceIdentity === '' ? undefined : sourceIdentity,
  }
}

export function readCallerIdentity(answer: StsAnswer): CallerIdentity | StsRefusal {
  const result = resultOf(answer, 'GetCallerIdentity')
  if (isRefusal(result)) return result
  return {
    userId: text(result, 'UserId'),
    account: text(result, 'Account'),
    arn: text(result, 'Arn'),
  }
}

/** What `aws sts get-caller-identity --output json` prints for this identity. */
export const callerIdentityJson = (identity: CallerIdentity): string =>
  JSON.stringify({ UserId: identity.userId, Account: identity.account, Arn: identity.arn }, null, 4)

/** The AWS CLI's line for a refused call. */
export const cliErrorLine = (refusal: Pick<StsRefusal, 'code' | 'message'>, operation: string) =>
  `An error occurred (${refusal.code}) when calling the ${operation} operation: ${refusal.message}`

/** A value as one POSIX shell word: as is when it needs no quoting, else single-quoted. */
export function shellWord(value: string): string {
  if (/^[\w+/=.,:@%-]+$/.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** The `export` lines that give a shell the session's credentials. */
export const exportLines = (
  role: Pick<AssumedRole, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
) =>
  [
    `export AWS_ACCESS_KEY_ID=${shellWord(role.accessKeyId)}`,
    `export AWS_SECRET_ACCESS_KEY=${shellWord(role.secretAccessKey)}`,
    `export AWS_SESSION_TOKEN=${shellWord(role.sessionToken)}`,
  ].join('\n')
