// GetAccessKeyInfo: the account an access key belongs to. Long-term keys are looked up; temporary
// keys (and keys rolegate did not make) carry their account in the id, as AWS's do.
import { AwsError } from '../core/errors.js'
import { accountOfAccessKeyId } from './access-key-id.js'
import * as field from './input-fields.js'
import { defineStsOperation } from './operation.js'

export const getAccessKeyInfo = defineStsOperation({
  name: 'GetAccessKeyInfo',
  resource: () => '*',
  input: { AccessKeyId: field.accessKeyId() },
  async run(input, { deps }) {
    const stored = await deps.store.read((repo) => repo.accessKeys.get(input.AccessKeyId))
    const account = stored?.accountId ?? accountOfAccessKeyId(input.AccessKeyId)
    // AWS's wording for a key id it cannot read is not on record.
    if (account === undefined) {
      throw new AwsError('InvalidParameterValue', 'The access key ID provided is not valid.')
    }
    return { Account: account }
  },
})
