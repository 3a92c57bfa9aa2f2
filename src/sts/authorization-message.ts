// Encoded authorization messages: every AccessDenied carries one. The message is AWS's decoded
// shape (allowed, explicitDeny, matchedStatements, failures, context) plus rolegate's full
// decision trace, sealed with the keyring so only sts:DecodeAuthorizationMessage can read it.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
import type { AuthorizationDetails } from '../core/errors.js'
import type { IdSource } from '../core/ids.js'
import { formatDecision, isoSeconds } from '../policy/index.js'
import type { Decision, MatchedStatement } from '../policy/index.js'
import type { SessionKeyring } from './keyring.js'
import { open, seal, sealedKeyId } from './sealed-box.js'

/** DecodeAuthorizationMessage's EncodedMessage is at most this long. */
export const MAX_ENCODED_MESSAGE = 10240

type Item<T> = { items: T[] }

export interface DecodedAuthorizationMessage {
  allowed: boolean
  explicitDeny: boolean
  matchedStatements: Item<{ statementId: string; effect: string; policyId: string }>
  failures: Item<never>
  context: {
    principal: { id: string; name: string; arn: string }
    action: string
    resource: string
    conditions: Item<{ key: string; values: Item<{ value: string }> }>
  }
  /** rolegate's additions: the account it belongs to, the decision and its explanation. */
  rolegate: {
    account: string
    message: string
    explanation?: string
    decision?: unknown
  }
}

const isDecision = (value: unknown): value is Decision =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { decision?: unknown }).decision === 'string' &&
  Array.isArray((value as { matchedStatements?: unknown }).matchedStatements)

function contextValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v))
  if (value instanceof Date) return [isoSeconds(value)]
  return [String(value)]
}

const statementItem = (statement: MatchedStatement) => ({
  statementId: statement.sid ?? '',
  effect: statement.effect.toUpperCase(),
  policyId: statement.policyId,
})

/** The message for one refusal, in AWS's decoded shape with rolegate's decision added. */
export function decodedMessage(
  details: AuthorizationDetails,
  account: string,
  message: string,
): DecodedAuthorizationMessage {
  const decision = isDecision(details.decision) ? details.decision : undefined
  const denies = decision?.matchedStatements.filter((s) => s.effect === 'Deny') ?? []
  return {
    allowed: false,
    explicitDeny: decision?.decision === 'ExplicitlyDenied',
    matchedStatements: { items: denies.map(statementItem) },
    failures: { items: [] },
    context: {
      principal: details.principal,
      action: details.action,
      resource: details.resource,
      conditions: {
        items: (details.context ?? []).map(([key, value]) => ({
          key,
          values: { items: contextValues(value).map((v) => ({ value: v })) },
        })),
      },
    },
    rolegate: {
      account,
      message,
      ...(decision
        ? { explanation: formatDecision(decision), decision: JSON.parse(JSON.stringify(decision)) }
        : {}),
    },
  }
}

/** The account part of an ARN (`arn:aws:sts::ACCOUNT:...`), or '' when it has none. */
const accountOf = (arn: string) => arn.split(':')[4] ?? ''

export class AuthorizationMessages {
  constructor(
    private readonly keyring: SessionKeyring,
    private readonly ids: Pick<IdSource, 'randomBytes'>,
  ) {}

  /**
   * The encoded message for an AccessDenied. The full trace goes in when it fits the
   * DecodeAuthorizationMessage limit; otherwise the trace, then the decision, are left out.
   */
  async encode(details: AuthorizationDetails, message: string, account?: string): Promise<string> {
    const key = await this.keyring.sealingKey()
    const full = decodedMessage(details, account ?? accountOf(details.principal.arn), message)
    const withoutTrace = structuredClone(full)
    const decision = withoutTrace.rolegate.decision
    if (typeof decision === 'object' && decision !== null)
      delete (decision as { trace?: unknown }).trace
    const bare = structuredClone(withoutTrace)
    delete bare.rolegate.decision
    const least = structuredClone(bare)
    delete least.rolegate.explanation
    least.context.conditions.items = []
    for (const candidate of [full, withoutTrace, bare]) {
      const sealed = seal(candidate, key, 'authorization-message', this.ids)
      if (sealed.length <= MAX_ENCODED_MESSAGE) return sealed
    }
    return seal(least, key, 'authorization-message', this.ids)
  }

  /** The decoded message, or undefined when it does not open with a key still in the keyring. */
  async decode(encoded: string): Promise<DecodedAuthorizationMessage | undefined> {
    const keyId = sealedKeyId(encoded)
    if (keyId === undefined) return undefined
    const key = await this.keyring.openingKey(keyId)
    if (!key) return undefined
    const value = open(encoded, key, 'authorization-message')
    if (typeof value !== 'object' || value === null || !('rolegate' in value)) return undefined
    return value as DecodedAuthorizationMessage
  }
}
