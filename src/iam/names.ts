// IAM's input rules for names, paths, ARNs and documents, with the patterns as AWS prints them in
// ValidationError messages (IAM API Reference, each parameter's "Pattern").
import { validationError } from '../core/errors.js'
import type { Field, Pattern } from '../core/input.js'
import { optionalString, requiredString } from '../core/input.js'

export const NAME: Pattern = { regex: /^[\w+=,.@-]+$/, text: '[\\w+=,.@-]+' }
export const PATH: Pattern = {
  regex: /^(\/|\/[\u0021-\u007E]+\/)$/,
  text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
}
export const PATH_PREFIX: Pattern = {
  regex: /^\/[\u0021-\u007E]*$/,
  text: '\\u002F[\\u0021-\\u007E]*',
}
export const POLICY_DOCUMENT: Pattern = {
  regex: /^[\t\n\r\u0020-\u00FF]+$/,
  text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
}
export const DESCRIPTION: Pattern = {
  regex: /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/,
  text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
}
export const ACCESS_KEY_ID: Pattern = { regex: /^[\w]+$/, text: '[\\w]+' }

export const userName = () => requiredString({ min: 1, max: 64, pattern: NAME })
export const groupName = () => requiredString({ min: 1, max: 128, pattern: NAME })
export const roleName = () => requiredString({ min: 1, max: 64, pattern: NAME })
export const policyName = () => requiredString({ min: 1, max: 128, pattern: NAME })
/**
 * AWS's own message for a path that breaks the pattern, instead of the generic pattern text
 * (https://github.com/aws-cloudformation/cfn-lint/issues/722 quotes it from IAM). A path of the
 * wrong length still gets the generic length message.
 */
export const INVALID_PATH =
  'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.'

export function path(): Field<string | undefined> {
  const lengthOnly = optionalString({ min: 1, max: 512 })
  return {
    read(params, name, problems) {
      const value = lengthOnly.read(params, name, problems)
      const length = value === undefined ? 0 : [...value].length
      if (value !== undefined && length >= 1 && length <= 512 && !PATH.regex.test(value)) {
        throw validationError(INVALID_PATH)
      }
      return value
    },
  }
}
export const pathPrefix = () => optionalString({ min: 1, max: 512, pattern: PATH_PREFIX })
export const policyDocument = () =>
  requiredString({ min: 1, max: 131072, pattern: POLICY_DOCUMENT })
export const arn = () => requiredString({ min: 20, max: 2048 })
export const optionalArn = () => optionalString({ min: 20, max: 2048 })
export const description = () => optionalString({ max: 1000, pattern: DESCRIPTION })
