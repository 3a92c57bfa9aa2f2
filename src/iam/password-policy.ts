// The account password policy: UpdateAccountPasswordPolicy, GetAccountPasswordPolicy and
// DeleteAccountPasswordPolicy, and the check every new password passes, against the account's
// custom policy or, without one, AWS's default policy.
import { AwsError, noSuchEntity } from '../core/errors.js'
import { memberName, optionalBoolean, optionalInteger } from '../core/input.js'
import type { Field } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { PasswordPolicyRecord } from '../store/ports.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'

/**
 * AWS's answer to a password the policy refuses, whichever rule it breaks (the message AWS
 * returns to CreateLoginProfile and UpdateLoginProfile, as CloudFormation and boto pass it on).
 */
export const passwordPolicyViolation = () =>
  new AwsError(
    'PasswordPolicyViolation',
    'Password does not conform to the account password policy.',
  )

// "Require at least one nonalphanumeric character ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '"
// (IAM User Guide, "Setting an account password policy for IAM users").
const SYMBOLS = new Set("!@#$%^&*()_+-=[]{}|'")

interface CharacterClasses {
  uppercase: boolean
  lowercase: boolean
  number: boolean
  symbol: boolean
}

function classesOf(password: string): CharacterClasses {
  const classes = { uppercase: false, lowercase: false, number: false, symbol: false }
  for (const character of password) {
    if (character >= 'A' && character <= 'Z') classes.uppercase = true
    else if (character >= 'a' && character <= 'z') classes.lowercase = true
    else if (character >= '0' && character <= '9') classes.number = true
    else if (SYMBOLS.has(character)) classes.symbol = true
  }
  return classes
}

/**
 * The default password policy (IAM User Guide, "Default password policy"): "Minimum password
 * length of 8 characters and a maximum length of 128 characters" and "Minimum of three of the
 * following mix of character types: uppercase, lowercase, numbers, and non-alphanumeric
 * character". Its third rule, not the account's name or email address, has nothing to compare
 * with here: rolegate's accounts have neither.
 */
const DEFAULT_MINIMUM_LENGTH = 8
const DEFAULT_CLASSES_REQUIRED = 3

/** Throws PasswordPolicyViolation unless `password` meets the policy (AWS's default when none). */
export function checkPassword(password: string, policy: PasswordPolicyRecord | undefined): void {
  const length = [...password].length
  const classes = classesOf(password)
  if (policy === undefined) {
    const held = Object.values(classes).filter(Boolean).length
    if (length < DEFAULT_MINIMUM_LENGTH || held < DEFAULT_CLASSES_REQUIRED) {
      throw passwordPolicyViolation()
    }
    return
  }
  const meets =
    length >= policy.minimumPasswordLength &&
    (!policy.requireSymbols || classes.symbol) &&
    (!policy.requireNumbers || classes.number) &&
    (!policy.requireUppercaseCharacters || classes.uppercase) &&
    (!policy.requireLowercaseCharacters || classes.lowercase)
  if (!meets) throw passwordPolicyViolation()
}

/** How many previous passwords a new one may not repeat under the policy (0: any may be). */
export const reusePrevented = (policy: PasswordPolicyRecord | undefined): number =>
  policy?.passwordReusePrevention ?? 0

/**
 * The PasswordPolicy element in the API model's member order. ExpirePasswords is derived: "true
 * if MaxPasswordAge contains a value greater than 0"; the two counts appear only when set.
 */
export function renderPasswordPolicy(policy: PasswordPolicyRecord): ResultObject {
  return {
    MinimumPasswordLength: policy.minimumPasswordLength,
    RequireSymbols: policy.requireSymbols,
    RequireNumbers: policy.requireNumbers,
    RequireUppercaseCharacters: policy.requireUppercaseCharacters,
    RequireLowercaseCharacters: policy.requireLowercaseCharacters,
    AllowUsersToChangePassword: policy.allowUsersToChangePassword,
    ExpirePasswords: policy.maxPasswordAge !== null && policy.maxPasswordAge > 0,
    MaxPasswordAge: policy.maxPasswordAge ?? undefined,
    PasswordReusePrevention: policy.passwordReusePrevention ?? undefined,
    HardExpiry: policy.hardExpiry,
  }
}

/**
 * A count of the policy, 1 or more. AWS words this operation's range errors its own way, echoing
 * the value in double quotes (`Value "129" at "minimumPasswordLength" failed to satisfy
 * constraint: ...`), and reports the minimum length, then reuse, then age (as recorded in moto's
 * tests/test_iam/test_iam.py, test_update_account_password_policy_errors).
 */
function policyCount(rules: { min: number; max: number }): Field<number | undefined> {
  const number = optionalInteger()
  return {
    read(params, name, problems) {
      const value = number.read(params, name, problems)
      if (value === undefined) return undefined
      const at = `Value "${value}" at "${memberName(name)}" failed to satisfy constraint:`
      if (value < rules.min) {
        problems.add(`${at} Member must have value greater than or equal to ${rules.min}`)
      }
      if (value > rules.max) {
        problems.add(`${at} Member must have value less than or equal to ${rules.max}`)
      }
      return value
    },
  }
}

// "This operation does not support partial updates. No parameters are required, but if you do
// not specify a parameter, that parameter's value reverts to its default value."
// (IAM API Reference, UpdateAccountPasswordPolicy; ranges from its request parameters.)
const updateAccountPasswordPolicy = defineOperation({
  name: 'UpdateAccountPasswordPolicy',
  input: {
    MinimumPasswordLength: policyCount({ min: 6, max: 128 }),
    PasswordReusePrevention: policyCount({ min: 1, max: 24 }),
    MaxPasswordAge: policyCount({ min: 1, max: 1095 }),
    RequireSymbols: optionalBoolean(),
    RequireNumbers: optionalBoolean(),
    RequireUppercaseCharacters: optionalBoolean(),
    RequireLowercaseCharacters: optionalBoolean(),
    AllowUsersToChangePassword: optionalBoolean(),
    HardExpiry: optionalBoolean(),
  },
  resource: () => '*',
  async run(input, context) {
    await context.repo.passwordPolicies.put({
      accountId: context.accountId,
      minimumPasswordLength: input.MinimumPasswordLength ?? 6,
      requireSymbols: input.RequireSymbols ?? false,
      requireNumbers: input.RequireNumbers ?? false,
      requireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
      requireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
      allowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
      maxPasswordAge: input.MaxPasswordAge ?? null,
      passwordReusePrevention: input.PasswordReusePrevention ?? null,
      hardExpiry: input.HardExpiry ?? false,
    })
    return undefined
  },
})

const getAccountPasswordPolicy = defineOperation({
  name: 'GetAccountPasswordPolicy',
  input: {},
  resource: () => '*',
  store: 'read',
  async run(_input, context) {
    const policy = await context.repo.passwordPolicies.get(context.accountId)
    if (!policy) {
      throw noSuchEntity(
        `The Password Policy with domain name ${context.accountId} cannot be found.`,
      )
    }
    return { PasswordPolicy: renderPasswordPolicy(policy) }
  },
})

const deleteAccountPasswordPolicy = defineOperation({
  name: 'DeleteAccountPasswordPolicy',
  input: {},
  resource: () => '*',
  async run(_input, context) {
    if (!(await context.repo.passwordPolicies.get(context.accountId))) {
      throw noSuchEntity('The account policy with name PasswordPolicy cannot be found.')
    }
    await context.repo.passwordPolicies.delete(context.accountId)
    return undefined
  },
})

export const passwordPolicyOperations: IamOperation[] = [
  updateAccountPasswordPolicy,
  getAccountPasswordPolicy,
  deleteAccountPasswordPolicy,
]
