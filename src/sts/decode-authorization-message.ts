// DecodeAuthorizationMessage: the JSON behind an encoded authorization message, for callers
// allowed sts:DecodeAuthorizationMessage, and only for messages about their own account.
import { AwsError } from '../core/errors.js'
import { requiredString } from '../core/input.js'
import { INVALID_AUTHORIZATION_MESSAGE } from './aws-messages.js'
import { defineStsOperation, signedCaller } from './operation.js'

const invalidMessage = () =>
  new AwsError('InvalidAuthorizationMessageException', INVALID_AUTHORIZATION_MESSAGE)

export const decodeAuthorizationMessage = defineStsOperation({
  name: 'DecodeAuthorizationMessage',
  resource: () => '*',
  input: { EncodedMessage: requiredString({ min: 1, max: 10240 }) },
  async run(input, context) {
    const caller = signedCaller(context)
    const decoded = await context.deps.messages.decode(input.EncodedMessage)
    if (!decoded || decoded.rolegate.account !== caller.accountId) throw invalidMessage()
    return { DecodedMessage: JSON.stringify(decoded) }
  },
})
