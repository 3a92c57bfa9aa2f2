// STS's parameter shapes (botocore's sts 2011-06-15 model), with AWS's pattern text for messages.
// STS's validation messages echo the value: `Value 'a:b' at 'roleSessionName' failed to ...`.
import type { Field, Pattern } from '../core/input.js'
import {
  memberName,
  optionalInteger,
  optionalString,
  requiredString,
  stringList,
  tagList,
} from '../core/input.js'

export const SESSION_NAME: Pattern = { regex: /^[\w+=,.@-]*$/, text: '[\\w+=,.@-]*' }
const EXTERNAL_ID: Pattern = { regex: /^[\w+=,.@:/-]*$/, text: '[\\w+=,.@:\\/-]*' }
const SERIAL_NUMBER: Pattern = { regex: /^[\w+=/:,.@-]*$/, text: '[\\w+=/:,.@-]*' }
const TOKEN_CODE: Pattern = { regex: /^\d*$/, text: '[\\d]*' }
const POLICY_TEXT: Pattern = {
  // Tab, line feed and carriage return are allowed in a policy, as AWS's pattern says.
  // eslint-disable-next-line no-control-regex
  regex: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
  text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
}
const TAG_KEY: Pattern = {
  regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
}
const ACCESS_KEY_ID: Pattern = { regex: /^\w*$/, text: '[\\w]*' }

export const roleArn = () => requiredString({ min: 20, max: 2048 })
export const roleSessionName = () => requiredString({ min: 2, max: 64, pattern: SESSION_NAME })
export const sourceIdentity = () => optionalString({ min: 2, max: 64, pattern: SESSION_NAME })
export const externalId = () => optionalString({ min: 2, max: 1224, pattern: EXTERNAL_ID })
export const serialNumber = () => optionalString({ min: 9, max: 256, pattern: SERIAL_NUMBER })
export const tokenCode = () => optionalString({ min: 6, max: 6, pattern: TOKEN_CODE })
export const accessKeyId = () => requiredString({ min: 16, max: 128, pattern: ACCESS_KEY_ID })
/** AssumeRole's inline session policy has no length limit in the model: the packed size governs. */
export const unrestrictedSessionPolicy = () => optionalString({ min: 1, pattern: POLICY_TEXT })
export const sessionPolicy = () => optionalString({ min: 1, max: 2048, pattern: POLICY_TEXT })
export const roleDuration = () => optionalInteger({ min: 900, max: 43200 })
/** GetFederationToken's Name: the federated user's name (botocore's userNameType: 2-32). */
export const federatedUserName = () => requiredString({ min: 2, max: 32, pattern: SESSION_NAME })
/** GetSessionToken and GetFederationToken: 15 minutes to 36 hours. */
export const userSessionDuration = () => optionalInteger({ min: 900, max: 129600 })
export const sessionTags = tagList
export const transitiveTagKeys = () =>
  stringList({ max: 50, item: { min: 1, max: 128, pattern: TAG_KEY } })

/** Documented: up to 10 managed session policies. */
export const MAX_POLICY_ARNS = 10

/** `PolicyArns.member.N.arn`: managed policies passed as session policies, 20-2048 characters. */
export function policyArnList(): Field<string[] | undefined> {
  return {
    read(params, name, problems) {
      const prefix = `${name}.member.`
      const found: [number, string][] = []
      // Keys, not entries: every AssumeRole* call scans its parameters here, and no pair needs
      // building for the many that are not policy ARNs.
      for (const key of Object.keys(params)) {
        if (!key.startsWith(prefix)) continue
        const [index, field] = key.slice(prefix.length).split('.')
        if (field !== 'arn' || !Number.isInteger(Number(index))) continue
        found.push([Number(index), params[key]!])
      }
      if (found.length === 0) return params[name] === undefined ? undefined : []
      const arns = found.sort((a, b) => a[0] - b[0]).map(([, arn]) => arn)
      const at = memberName(name)
      arns.forEach((arn, i) => {
        const length = [...arn].length
        if (length < 20) {
          problems.add(
            `${problems.at(arn, `${at}.${i + 1}.member.arn`)} failed to satisfy constraint: Member must have length greater than or equal to 20`,
          )
        } else if (length > 2048) {
          problems.add(
            `${problems.at(arn, `${at}.${i + 1}.member.arn`)} failed to satisfy constraint: Member must have length less than or equal to 2048`,
          )
        }
      })
      if (arns.length > MAX_POLICY_ARNS) {
        problems.add(
          `${problems.at(`[${arns.join(', ')}]`, at)} failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
        )
      }
      return arns
    },
  }
}
