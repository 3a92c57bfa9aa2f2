// metav1.LabelSelector as the clusterrole-aggregation controller applies it
// (metav1.LabelSelectorAsSelector): matchLabels and matchExpressions all hold; an empty selector
// selects everything; a malformed one is an error rather than a selector.
import type { LabelSelector, LabelSelectorRequirement } from '../objects.js'

export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean

function requirement(req: LabelSelectorRequirement): LabelMatcher | undefined {
  const values = req.values ?? []
  const has = (labels: Readonly<Record<string, string>>) => Object.hasOwn(labels, req.key)
  switch (req.operator) {
    case 'In':
      if (values.length === 0) return undefined
      return (labels) => has(labels) && values.includes(labels[req.key] ?? '')
    case 'NotIn':
      if (values.length === 0) return undefined
      return (labels) => !has(labels) || !values.includes(labels[req.key] ?? '')
    case 'Exists':
      if (values.length !== 0) return undefined
      return has
    case 'DoesNotExist':
      if (values.length !== 0) return undefined
      return (labels) => !has(labels)
    default:
      return undefined
  }
}

/** The selector as a predicate over an object's labels, or undefined when it is malformed. */
export function compileLabelSelector(selector: LabelSelector): LabelMatcher | undefined {
  const matchers: LabelMatcher[] = []
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    matchers.push((labels) => Object.hasOwn(labels, key) && labels[key] === value)
  }
  for (const req of selector.matchExpressions ?? []) {
    const matcher = requirement(req)
    if (matcher === undefined) return undefined
    matchers.push(matcher)
  }
  return (labels) => matchers.every((matches) => matches(labels))
}
