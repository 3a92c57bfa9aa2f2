// Statement ids must be unique within a policy; empty ids are not ids and may repeat.

import { malformedPolicy } from '../../core/errors.js'
import { policyMessages } from './messages.js'
import type { DraftStatement } from './read-policy.js'

export function checkSidsUnique(statements: readonly DraftStatement[]) {
  const seen = new Set<string>()
  for (const { sid } of statements) {
    if (sid === undefined || sid === '') continue
    if (seen.has(sid)) throw malformedPolicy(policyMessages.sidNotUnique)
    seen.add(sid)
  }
}
