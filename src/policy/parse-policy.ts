// The one way policy text becomes a PolicyDocument: parse with positions, then IAM's checks in
// IAM's order, so the first fault reported is the one AWS would report (MalformedPolicyDocument).

import { malformedPolicy } from '../core/errors.js'
import type { PolicyDocument, PolicyLanguageVersion, Statement } from './document.js'
import { checkActionFormats, checkActionsPresent } from './parse/check-actions.js'
import {
  checkElementPlacement,
  checkPrincipalPolicy,
  checkVersion,
  needsResources,
} from './parse/check-kind.js'
import type { PolicyKind } from './parse/check-kind.js'
import { checkLegacyStatements } from './parse/check-legacy.js'
import { checkResourceFormats } from './parse/check-resources.js'
import { checkSidsUnique } from './parse/check-sids.js'
import { JsonSyntaxError, parseJsonTree } from './parse/json-tree.js'
import type { JsonNode } from './parse/json-tree.js'
import { policyMessages } from './parse/messages.js'
import { readPolicy } from './parse/read-policy.js'
import type { DraftPolicy, DraftStatement } from './parse/read-policy.js'

export type { PolicyKind } from './parse/check-kind.js'
export { policySizeWithoutWhitespace } from './parse/policy-size.js'
export { parseConditionOperator } from './parse/condition-operator.js'
export { awsStatementPositions } from './parse/aws-position.js'
export type { AwsStatementPositions } from './parse/aws-position.js'
export type { BaseConditionOperator, ConditionOperatorName } from './parse/condition-operator.js'

/** Trust and resource policies answer non-JSON text with different words than the rest. */
function readTree(text: string, kind: PolicyKind): JsonNode {
  try {
    return parseJsonTree(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError && (kind === 'trust' || kind === 'resource')) {
      throw malformedPolicy(policyMessages.invalidJson)
    }
    throw error
  }
}

function checkResourcesPresent(statements: readonly DraftStatement[]) {
  for (const statement of statements) {
    const resources = statement.resource ?? statement.notResource
    if (resources === undefined || resources.length === 0) {
      throw malformedPolicy(policyMessages.needResources)
    }
  }
}

function finish(draft: DraftPolicy): PolicyDocument {
  // Effect is exactly Allow or Deny once the legacy check has passed.
  const statements = draft.statements.map(({ effect, ...rest }): Statement => ({
    ...rest,
    effect: effect === 'Deny' ? 'Deny' : 'Allow',
  }))
  const document: PolicyDocument = { statements }
  // readPolicy admits only the two language versions.
  if (draft.version !== undefined) document.version = draft.version as PolicyLanguageVersion
  if (draft.id !== undefined) document.id = draft.id
  return document
}

/**
 * Parses and validates policy text for the place it is used. Throws AwsError
 * `MalformedPolicyDocument` with IAM's message for the first fault IAM would report.
 */
export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  const draft = readPolicy(readTree(text, kind))
  const { statements } = draft
  checkElementPlacement(kind, statements)
  checkVersion(kind, draft)
  checkLegacyStatements(statements)
  const resourceFault = checkResourceFormats(statements)
  checkSidsUnique(statements)
  checkActionsPresent(statements)
  if (resourceFault !== undefined) throw malformedPolicy(resourceFault)
  checkActionFormats(statements)
  if (needsResources(kind)) checkResourcesPresent(statements)
  checkPrincipalPolicy(kind, statements)
  return finish(draft)
}
