// The IAM policy language as a parsed tree: what parse-policy.ts produces from JSON text and what
// compile and evaluate consume. Positions point into the original text (SimulatePolicy reports them).

export type PolicyLanguageVersion = '2012-10-17' | '2008-10-17'

export interface SourcePosition {
  /** 1-based line. */
  line: number
  /** 1-based column. */
  column: number
}

export interface SourceSpan {
  start: SourcePosition
  end: SourcePosition
}

/** `Principal: "*"` is `{ kind: 'any' }`; otherwise principal values grouped by type. */
export type PrincipalBlock =
  | { kind: 'any' }
  | {
      kind: 'typed'
      /** Keys as written (AWS, Federated, Service, CanonicalUser); values as written. */
      values: Record<string, string[]>
    }

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string
  /** The context key as written; matching is case-insensitive. */
  key: string
  values: string[]
}

export interface Statement {
  sid?: string
  effect: 'Allow' | 'Deny'
  principal?: PrincipalBlock
  notPrincipal?: PrincipalBlock
  action?: string[]
  notAction?: string[]
  resource?: string[]
  notResource?: string[]
  conditions: ConditionClause[]
  /** Where the statement object sits in the source text. */
  span: SourceSpan
}

export interface PolicyDocument {
  version?: PolicyLanguageVersion
  id?: string
  statements: Statement[]
}
