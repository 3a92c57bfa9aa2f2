// Action and NotAction checks: presence, and the vendor prefix IAM requires on every action.

import { malformedPolicy } from '../../core/errors.js'
import { policyMessages } from './messages.js'
import type { DraftStatement } from './read-policy.js'

/** Every statement needs a non-empty Action or NotAction. */
export function checkActionsPresent(statements: readonly DraftStatement[]) {
  for (const statement of statements) {
    const actions = statement.action ?? statement.notAction
    if (actions === undefined || actions.length === 0) {
      throw malformedPolicy(policyMessages.needActions)
    }
  }
}

const VENDOR = /^[a-zA-Z0-9.-]*$/

/** The message IAM gives for one action, or undefined when it has the `vendor:name` shape. */
export function actionFormatError(action: string): string | undefined {
  const parts = action.split(':')
  if (parts.length === 1 && action !== '*') return policyMessages.actionNeedsVendor
  if (parts.length > 2) return policyMessages.actionOneColon
  const vendor = parts[0] ?? ''
  if (vendor !== '*' && !VENDOR.test(vendor)) return policyMessages.vendorInvalid(vendor)
  return undefined
}

/** Checks Action of every statement, then NotAction; the first fault is reported. */
export function checkActionFormats(statements: readonly DraftStatement[]) {
  for (const property of ['action', 'notAction'] as const) {
    for (const statement of statements) {
      for (const action of statement[property] ?? []) {
        const error = actionFormatError(action)
        if (error !== undefined) throw malformedPolicy(error)
      }
    }
  }
}
