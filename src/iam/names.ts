// IAM's input rules for names, paths, ARNs and documents, with the patterns as AWS prints them in
// ValidationError messages (IAM API Reference, each parameter's "Pattern").
import type { Pattern } from '../core/input.js'
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
export const path = () => optionalString({ min: 1, max: 512, pattern: PATH })
export const pathPrefix = () => optionalString({ min: 1, max: 512, pattern: PATH_PREFIX })
export const policyDocument = () =>
  requiredString({ min: 1, max: 131072, pattern: POLICY_DOCUMENT })
export const arn = () => requiredString({ min: 20, max: 2048 })
export const optionalArn = () => optionalString({ min: 20, max: 2048 })
export const description = () => optionalString({ max: 1000, pattern: DESCRIPTION })
