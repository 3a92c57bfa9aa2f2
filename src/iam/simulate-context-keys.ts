// GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy: the condition keys the
// policies name, which a simulation would need values for.
import type { ResultObject } from '../core/result.js'
import { contextKeysInPolicies } from '../policy/index.js'
import type { CompiledPolicy } from '../policy/index.js'
import { arn } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { compileInput, policyList } from './simulation-policies.js'
import { loadPrincipalSimulation } from './simulation-principal.js'

const contextKeysResult = (policies: readonly CompiledPolicy[]): ResultObject => ({
  ContextKeyNames: contextKeysInPolicies(policies.map((policy) => policy.document)),
})

const getContextKeysForPrincipalPolicy = defineOperation({
  name: 'GetContextKeysForPrincipalPolicy',
  input: { PolicySourceArn: arn(), PolicyInputList: policyList() },
  resource: (input) => input.PolicySourceArn,
  store: 'read',
  async run(input, context) {
    const own = await loadPrincipalSimulation(
      context.repo,
      context.accountId,
      input.PolicySourceArn,
      context.policies,
    )
    const extra = (input.PolicyInputList ?? []).map((text, i) =>
      compileInput(context.policies, text, 'identity', `PolicyInputList.${i + 1}`),
    )
    return contextKeysResult([...own.identity, ...extra])
  },
})

const getContextKeysForCustomPolicy = defineOperation({
  name: 'GetContextKeysForCustomPolicy',
  input: { PolicyInputList: policyList(true) },
  resource: () => '*',
  store: 'read',
  async run(input, context) {
    return contextKeysResult(
      (input.PolicyInputList ?? []).map((text, i) =>
        compileInput(context.policies, text, 'identity', `PolicyInputList.${i + 1}`),
      ),
    )
  },
})

export const contextKeyOperations: IamOperation[] = [
  getContextKeysForPrincipalPolicy,
  getContextKeysForCustomPolicy,
]
