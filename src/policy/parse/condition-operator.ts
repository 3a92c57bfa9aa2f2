// The condition operator names IAM accepts: a base operator, optionally preceded by a set qualifier
// (ForAnyValue:/ForAllValues:) and followed by IfExists (except Null, per the IAM User Guide).

export const baseConditionOperators = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const

export type BaseConditionOperator = (typeof baseConditionOperators)[number]

export interface ConditionOperatorName {
  set?: 'ForAnyValue' | 'ForAllValues'
  base: BaseConditionOperator
  ifExists: boolean
}

const known = new Set<string>(baseConditionOperators)
const isBase = (name: string): name is BaseConditionOperator => known.has(name)

/** Splits an operator as written; undefined when IAM would not know it. Names are case-sensitive. */
export function parseConditionOperator(written: string): ConditionOperatorName | undefined {
  let rest = written
  let set: ConditionOperatorName['set']
  for (const qualifier of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${qualifier}:`)) {
      set = qualifier
      rest = rest.slice(qualifier.length + 1)
      break
    }
  }
  let ifExists = false
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true
    rest = rest.slice(0, -'IfExists'.length)
  }
  if (!isBase(rest) || (ifExists && rest === 'Null')) return undefined
  return set === undefined ? { base: rest, ifExists } : { set, base: rest, ifExists }
}
