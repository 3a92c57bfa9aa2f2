// Inline policies embedded in one user, group or role: put (create or replace), get, list, delete.
// Their combined size per entity is capped (user 2,048, group 5,120, role 10,240 characters).
import { limitExceeded, noSuchEntity } from '../core/errors.js'
import { requiredString } from '../core/input.js'
import type { Field } from '../core/input.js'
import { parsePolicy, policySizeWithoutWhitespace } from '../policy/parse-policy.js'
import type { EntityType } from '../store/ports.js'
import type { EntityKind } from './attachments.js'
import { entityName, nameInput, requireHolder } from './attachments.js'
import { getAccountAuthorizationDetails } from './authorization-details.js'
import { NAME, policyDocument, policyName } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { encodePolicyDocument } from './render.js'

/** AWS's quotas on the aggregate size of an entity's inline policies, whitespace excluded. */
export const INLINE_POLICY_MAX_SIZE: Record<EntityType, number> = {
  user: 2048,
  group: 5120,
  role: 10240,
}

/**
 * Put/Get/Delete/ListUserPolicy take the longer existingUserNameType (128); roles and groups use
 * the same name rules as everywhere else.
 */
const inlineKinds: readonly EntityKind[] = [
  {
    type: 'user',
    word: 'User',
    nameField: () => requiredString({ min: 1, max: 128, pattern: NAME }),
  },
  {
    type: 'group',
    word: 'Group',
    nameField: () => requiredString({ min: 1, max: 128, pattern: NAME }),
  },
  {
    type: 'role',
    word: 'Role',
    nameField: () => requiredString({ min: 1, max: 64, pattern: NAME }),
  },
]

const inlinePolicyName = (): Field<string> => policyName()

const inlineNotFound = (kind: EntityKind, name: string) =>
  noSuchEntity(`The ${kind.type} policy with name ${name} cannot be found.`)

function putOperation(kind: EntityKind) {
  return defineOperation({
    name: `Put${kind.word}Policy`,
    input: { ...nameInput(kind), PolicyName: inlinePolicyName(), PolicyDocument: policyDocument() },
    resource: (input, scope) => scope.entityArn(kind.type, entityName(kind, input)),
    async run(input, context) {
      const holder = await requireHolder(context, kind.type, entityName(kind, input))
      parsePolicy(input.PolicyDocument, 'identity')
      // The quota covers all of the entity's inline policies together; a replaced one stops counting.
      const others = (await context.repo.inlinePolicies.list(holder.type, holder.id)).filter(
        (policy) => policy.policyName.toLowerCase() !== input.PolicyName.toLowerCase(),
      )
      const size = others.reduce(
        (total, policy) => total + policySizeWithoutWhitespace(policy.document),
        policySizeWithoutWhitespace(input.PolicyDocument),
      )
      const limit = INLINE_POLICY_MAX_SIZE[kind.type]
      if (size > limit) {
        throw limitExceeded(
          `Maximum policy size of ${limit} bytes exceeded for ${kind.type} ${holder.name}`,
        )
      }
      const existing = await context.repo.inlinePolicies.get(
        holder.type,
        holder.id,
        input.PolicyName,
      )
      await context.repo.inlinePolicies.put({
        accountId: context.accountId,
        entityType: holder.type,
        entityId: holder.id,
        // Replacing a policy keeps the name as first written, as with every IAM name.
        policyName: existing?.policyName ?? input.PolicyName,
        document: input.PolicyDocument,
      })
      return undefined
    },
  })
}

function getOperation(kind: EntityKind) {
  return defineOperation({
    name: `Get${kind.word}Policy`,
    input: { ...nameInput(kind), PolicyName: inlinePolicyName() },
    resource: (input, scope) => scope.entityArn(kind.type, entityName(kind, input)),
    store: 'read',
    async run(input, context) {
      const holder = await requireHolder(context, kind.type, entityName(kind, input))
      const policy = await context.repo.inlinePolicies.get(holder.type, holder.id, input.PolicyName)
      if (!policy) throw inlineNotFound(kind, input.PolicyName)
      return {
        [`${kind.word}Name`]: holder.name,
        PolicyName: policy.policyName,
        PolicyDocument: encodePolicyDocument(policy.document),
      }
    },
  })
}

function listOperation(kind: EntityKind) {
  return defineOperation({
    name: `List${kind.word}Policies`,
    input: { ...nameInput(kind), ...pagingInput },
    resource: (input, scope) => scope.entityArn(kind.type, entityName(kind, input)),
    store: 'read',
    async run(input, context) {
      const holder = await requireHolder(context, kind.type, entityName(kind, input))
      const policies = await context.repo.inlinePolicies.list(holder.type, holder.id)
      return paginate(policies, input, 'PolicyNames', (policy) => policy.policyName)
    },
  })
}

function deleteOperation(kind: EntityKind) {
  return defineOperation({
    name: `Delete${kind.word}Policy`,
    input: { ...nameInput(kind), PolicyName: inlinePolicyName() },
    resource: (input, scope) => scope.entityArn(kind.type, entityName(kind, input)),
    async run(input, context) {
      const holder = await requireHolder(context, kind.type, entityName(kind, input))
      const policy = await context.repo.inlinePolicies.get(holder.type, holder.id, input.PolicyName)
      if (!policy) throw inlineNotFound(kind, input.PolicyName)
      await context.repo.inlinePolicies.delete(holder.type, holder.id, policy.policyName)
      return undefined
    },
  })
}

/** Also carries GetAccountAuthorizationDetails, which reads inline policies among the rest. */
export const inlinePolicyOperations: IamOperation[] = [
  ...inlineKinds.flatMap((kind) => [
    putOperation(kind),
    getOperation(kind),
    listOperation(kind),
    deleteOperation(kind),
  ]),
  getAccountAuthorizationDetails,
]
