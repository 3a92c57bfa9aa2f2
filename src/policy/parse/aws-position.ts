// SimulatePrincipalPolicy's StartPosition/EndPosition for a statement. AWS reports the column just
// after each brace (recorded against AWS: a one-line policy whose statement braces sit at columns
// 40 and 112 came back as 41 and 113), while our spans hold the braces' own columns.

import type { SourcePosition, SourceSpan } from '../document.js'

export interface AwsStatementPositions {
  start: SourcePosition
  end: SourcePosition
}

export const awsStatementPositions = (span: SourceSpan): AwsStatementPositions => ({
  start: { line: span.start.line, column: span.start.column + 1 },
  end: { line: span.end.line, column: span.end.column + 1 },
})
