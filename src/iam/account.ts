// Account aliases: the one friendly name an account may carry, unique across every account the
// server holds, as AWS keeps it unique across all of AWS.
import { AwsError, alreadyExists, noSuchEntity } from '../core/errors.js'
import type { Field } from '../core/input.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'

export const ACCOUNT_ALIAS = /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/

type Problems = Parameters<Field<unknown>['read']>[2]

/** AccountAlias: 3 to 63 characters, its length checked as AWS words it without echoing it. */
function accountAlias(): Field<string> {
  return {
    read(params, name, problems: Problems) {
      const at = `Value at 'accountAlias' failed to satisfy constraint:`
      const value = params[name]
      if (value === undefined) {
        problems.add(`${at} Member must not be null`)
        return ''
      }
      const length = [...value].length
      if (length < 3) problems.add(`${at} Member must have length greater than or equal to 3`)
      if (length > 63) problems.add(`${at} Member must have length less than or equal to 63`)
      return value
    },
  }
}

/** AWS checks the alias's characters itself, with this message rather than the pattern's. */
function checkAlias(alias: string): void {
  if (!ACCOUNT_ALIAS.test(alias)) {
    throw new AwsError(
      'ValidationError',
      'The specified value for accountAlias is invalid. It must be a minimum length of 3 characters and maximum length of 63 characters, contain only digits, lowercase letters, and hyphens (-), but cannot begin or end with a hyphen.',
    )
  }
}

const createAccountAlias = defineOperation({
  name: 'CreateAccountAlias',
  input: { AccountAlias: accountAlias() },
  resource: () => '*',
  async run(input, context) {
    checkAlias(input.AccountAlias)
    if ((await context.repo.accounts.findByAlias(input.AccountAlias)) !== undefined) {
      throw alreadyExists(`The account alias ${input.AccountAlias} already exists.`)
    }
    // An account has one alias: a new one replaces the old rather than being refused.
    for (const old of await context.repo.accounts.listAliases(context.accountId)) {
      await context.repo.accounts.deleteAlias(context.accountId, old)
    }
    await context.repo.accounts.insertAlias(context.accountId, input.AccountAlias)
    return undefined
  },
})

const deleteAccountAlias = defineOperation({
  name: 'DeleteAccountAlias',
  input: { AccountAlias: accountAlias() },
  resource: () => '*',
  async run(input, context) {
    checkAlias(input.AccountAlias)
    const held = await context.repo.accounts.listAliases(context.accountId)
    if (!held.includes(input.AccountAlias)) {
      throw noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`)
    }
    await context.repo.accounts.deleteAlias(context.accountId, input.AccountAlias)
    return undefined
  },
})

const listAccountAliases = defineOperation({
  name: 'ListAccountAliases',
  input: pagingInput,
  resource: () => '*',
  store: 'read',
  async run(input, context) {
    const aliases = await context.repo.accounts.listAliases(context.accountId)
    return paginate(aliases, input, 'AccountAliases', (alias) => alias)
  },
})

export const accountOperations: IamOperation[] = [
  createAccountAlias,
  deleteAccountAlias,
  listAccountAliases,
]
