// GetCallerIdentity: who signed the request. AWS answers it for everyone, whatever their policies
// say, so it is not authorised.
import { defineStsOperation, signedCaller } from './operation.js'

export const getCallerIdentity = defineStsOperation({
  name: 'GetCallerIdentity',
  // AWS allows it always, even under an explicit deny.
  authorizesItself: true,
  input: {},
  run(_input, context) {
    const caller = signedCaller(context)
    return Promise.resolve({ UserId: caller.userId, Account: caller.accountId, Arn: caller.arn })
  },
})
