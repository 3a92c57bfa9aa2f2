// Login profiles (users' console passwords) and ChangePassword. Passwords are checked against the
// account's password policy, hashed with scrypt before the transaction opens (the slow part needs
// no lock), and only the hashes are stored: the current one and, for reuse prevention, the last 24.
import { AwsError, accessDenied, alreadyExists, noSuchEntity } from '../core/errors.js'
import { optionalBoolean, optionalString, requiredString } from '../core/input.js'
import type { Pattern } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import type { CallFrame } from '../operation/define-operation.js'
import type { LoginProfileRecord, PasswordPolicyRecord, UserRecord } from '../store/ports.js'
import { NAME, userName } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { PasswordCandidate } from '../core/password-hash.js'
import { checkPassword, passwordPolicyViolation, reusePrevented } from './password-policy.js'
import { requireNamedOrCallingUser, requireUser } from './users.js'

/** passwordType: "[\u0009\u000A\u000D\u0020-\u00FF]+", 1 to 128 characters. */
const PASSWORD: Pattern = {
  regex: /^[\t\n\r\u0020-\u00FF]+$/,
  text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
}
const password = () => requiredString({ min: 1, max: 128, pattern: PASSWORD })
const optionalPassword = () => optionalString({ min: 1, max: 128, pattern: PASSWORD })
const optionalUserName = () => optionalString({ min: 1, max: 64, pattern: NAME })

/** PasswordReusePrevention's maximum: no policy can look further back than this. */
export const PASSWORD_HISTORY_LENGTH = 24

const loginProfileNotFound = (name: string) =>
  noSuchEntity(`Login Profile for User ${name} cannot be found.`)

/** Another call changed the password between the check outside the transaction and the write. */
const changedMeanwhile = (name: string) =>
  new AwsError(
    'EntityTemporarilyUnmodifiable',
    `Login Profile for User ${name} cannot be modified while its password is being changed.`,
  )

export function renderLoginProfile(user: UserRecord, profile: LoginProfileRecord): ResultObject {
  return {
    UserName: user.userName,
    CreateDate: profile.createDate,
    PasswordResetRequired: profile.passwordResetRequired,
  }
}

/** The history after `entry` becomes the newest password: newest first, at most 24. */
const pushHistory = (history: readonly string[], entry: string) =>
  [entry, ...history].slice(0, PASSWORD_HISTORY_LENGTH)

async function requireLoginProfile(
  context: IamContext,
  user: UserRecord,
): Promise<LoginProfileRecord> {
  const profile = await context.repo.loginProfiles.get(user.userId)
  if (!profile) throw loginProfileNotFound(user.userName)
  return profile
}

/** A new password's hashes: the one stored, and the entry for the history (under its salt). */
interface NewPassword {
  passwordHash: string
  historyHash: string
}

async function hashNewPassword(text: string, history: readonly string[]): Promise<NewPassword> {
  const candidate = new PasswordCandidate(text)
  const newest = history[0]
  const passwordHash = await candidate.hash()
  // The first password starts the history with its own hash; later ones join under its salt.
  const historyHash = newest === undefined ? passwordHash : await candidate.hashLike(newest)
  return { passwordHash, historyHash }
}

const createLoginProfile = defineOperation({
  name: 'CreateLoginProfile',
  // UserName defaults to the calling user. Password is optional in the API model only for
  // AssumeRoot sessions ("It is required in all other cases"), which rolegate does not issue.
  input: {
    UserName: optionalUserName(),
    Password: password(),
    PasswordResetRequired: optionalBoolean(),
  },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  prepare: (input) => hashNewPassword(input.Password, []),
  async run(input, context, prepared) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    if (await context.repo.loginProfiles.get(user.userId)) {
      throw alreadyExists(`Login Profile for user ${user.userName} already exists.`)
    }
    checkPassword(input.Password, await context.repo.passwordPolicies.get(context.accountId))
    const profile: LoginProfileRecord = {
      accountId: context.accountId,
      userId: user.userId,
      createDate: context.now,
      passwordHash: prepared.passwordHash,
      passwordResetRequired: input.PasswordResetRequired ?? false,
      passwordLastChanged: context.now,
      passwordHistory: [prepared.historyHash],
    }
    await context.repo.loginProfiles.insert(profile)
    return { LoginProfile: renderLoginProfile(user, profile) }
  },
})

const getLoginProfile = defineOperation({
  name: 'GetLoginProfile',
  input: { UserName: optionalUserName() },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  store: 'read',
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    return { LoginProfile: renderLoginProfile(user, await requireLoginProfile(context, user)) }
  },
})

const updateLoginProfile = defineOperation({
  name: 'UpdateLoginProfile',
  input: {
    UserName: userName(),
    Password: optionalPassword(),
    PasswordResetRequired: optionalBoolean(),
  },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async prepare(input, frame): Promise<NewPassword | undefined> {
    if (input.Password === undefined) return undefined
    const history = await frame.read(async (repo) => {
      const user = await repo.users.getByName(frame.caller.accountId, input.UserName)
      return user && (await repo.loginProfiles.get(user.userId))?.passwordHistory
    })
    return hashNewPassword(input.Password, history ?? [])
  },
  async run(input, context, prepared) {
    const user = await requireUser(context, input.UserName)
    const profile = await requireLoginProfile(context, user)
    let updated: LoginProfileRecord = {
      ...profile,
      passwordResetRequired: input.PasswordResetRequired ?? profile.passwordResetRequired,
    }
    if (input.Password !== undefined) {
      if (prepared === undefined) throw new Error('UpdateLoginProfile: the password was not hashed')
      checkPassword(input.Password, await context.repo.passwordPolicies.get(context.accountId))
      updated = {
        ...updated,
        passwordHash: prepared.passwordHash,
        passwordLastChanged: context.now,
        passwordHistory: pushHistory(profile.passwordHistory, prepared.historyHash),
      }
    }
    await context.repo.loginProfiles.update(updated)
    return undefined
  },
})

const deleteLoginProfile = defineOperation({
  name: 'DeleteLoginProfile',
  input: { UserName: optionalUserName() },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    await requireLoginProfile(context, user)
    await context.repo.loginProfiles.delete(user.userId)
    return undefined
  },
})

/**
 * ChangePassword "can be called by IAM users only" (AWS CLI reference): the root user and role
 * sessions are refused as the wrong type of user.
 */
const notAnIamUser = () =>
  new AwsError('InvalidUserType', 'Only IAM Users can change their own password.')

interface PasswordChange extends NewPassword {
  /** The stored hash the old password was checked against, to be unchanged at the write. */
  checked: string
}

/**
 * The slow half of ChangePassword, on a snapshot before the transaction: the old password
 * against the stored hash, the new one against the history the policy keeps from reuse, and the
 * new hashes. Undefined when there is nothing to check (not a user, no login profile): the
 * transaction then answers why.
 */
async function checkPasswordChange(
  input: { OldPassword: string; NewPassword: string },
  frame: CallFrame,
): Promise<PasswordChange | undefined> {
  const { caller } = frame
  if (caller.type !== 'user') return undefined
  const found = await frame.read(async (repo) => ({
    profile: await repo.loginProfiles.get(caller.principalId),
    policy: await repo.passwordPolicies.get(caller.accountId),
  }))
  const { profile, policy } = found
  if (!profile) return undefined
  if (!(await new PasswordCandidate(input.OldPassword).matches(profile.passwordHash))) {
    throw wrongOldPassword()
  }
  const history = profile.passwordHistory
  const candidate = new PasswordCandidate(input.NewPassword)
  if (await candidate.matchesAny(history.slice(0, reusePrevented(policy)))) {
    throw passwordPolicyViolation()
  }
  return { checked: profile.passwordHash, ...(await hashNewPassword(input.NewPassword, history)) }
}

/**
 * AWS documents no error for a wrong old password; rolegate refuses it as AccessDenied, the
 * answer to a caller who failed to prove who they are.
 */
const wrongOldPassword = () => accessDenied('The old password is incorrect.')

const changePassword = defineOperation({
  name: 'ChangePassword',
  input: { OldPassword: password(), NewPassword: password() },
  // iam:ChangePassword on the caller's own user ARN (IAM User Guide, "Permitting IAM users to
  // change their own passwords").
  resource: (_input, scope) => scope.userOrCaller(undefined),
  prepare: checkPasswordChange,
  async run(input, context, prepared) {
    const { caller } = context
    if (caller.type !== 'user') throw notAnIamUser()
    const user = await context.repo.users.getById(caller.principalId)
    if (!user) throw noSuchEntity(`The user with name ${caller.name} cannot be found.`)
    const profile = await requireLoginProfile(context, user)
    if (prepared === undefined || profile.passwordHash !== prepared.checked) {
      throw changedMeanwhile(user.userName)
    }
    const policy: PasswordPolicyRecord | undefined = await context.repo.passwordPolicies.get(
      context.accountId,
    )
    checkPassword(input.NewPassword, policy)
    await context.repo.loginProfiles.update({
      ...profile,
      passwordHash: prepared.passwordHash,
      passwordResetRequired: false,
      passwordLastChanged: context.now,
      passwordHistory: pushHistory(profile.passwordHistory, prepared.historyHash),
    })
    return undefined
  },
})

export const loginProfileOperations: IamOperation[] = [
  createLoginProfile,
  getLoginProfile,
  updateLoginProfile,
  deleteLoginProfile,
  changePassword,
]
