// Source positions of statements (what SimulatePrincipalPolicy reports) and the JSON reader's
// strictness: text that is not exactly one JSON value is refused with the kind's wording.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { awsStatementPositions, parsePolicy } from '../../../src/policy/parse-policy.js'
import { JsonSyntaxError, parseJsonTree } from '../../../src/policy/parse/json-tree.js'
import { assertMalformed } from './malformed.js'
import { corpus } from '../../support/requirements.js'

describe('statement spans', () => {
  const cases: { name: string; text: string; spans: [number, number, number, number][] }[] = [
    {
      name: 'pretty-printed list of two statements',
      text: [
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [',
        '    {',
        '      "Effect": "Allow",',
        '      "Action": "s3:GetObject",',
        '      "Resource": "*"',
        '    },',
        '    {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}',
        '  ]',
        '}',
      ].join('\n'),
      spans: [
        [4, 5, 8, 5],
        [9, 5, 9, 57],
      ],
    },
    {
      name: 'single statement object on one line',
      text: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}',
      spans: [[1, 37, 1, 82]],
    },
    {
      name: 'CRLF line breaks count once, tabs count one column',
      text: '{\r\n"Version":"2012-10-17",\r\n\t"Statement":\r\n\t\t{"Effect":"Allow",\r\n"Action":"*","Resource":"*"\t}\r\n}',
      spans: [[4, 3, 5, 29]],
    },
    {
      name: 'lone CR is a line break too',
      text: '{"Version":"2012-10-17",\r"Statement":[\r{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      spans: [[3, 1, 3, 46]],
    },
    {
      name: 'escapes inside strings take their written width',
      text: '{"Version":"2012-10-17","Statement":[{"Sid":"\\u0041b","Effect":"Allow","Action":"*","Resource":"*"}]}',
      spans: [[1, 38, 1, 99]],
    },
  ]
  for (const { name, text, spans } of cases) {
    test(name, () => {
      const document = parsePolicy(text, 'identity')
      assert.deepEqual(
        document.statements.map(({ span }) => [
          span.start.line,
          span.start.column,
          span.end.line,
          span.end.column,
        ]),
        spans,
      )
      const lines = text.split(/\r\n|\r|\n/)
      for (const { span } of document.statements) {
        assert.equal(lines[span.start.line - 1]?.[span.start.column - 1], '{')
        assert.equal(lines[span.end.line - 1]?.[span.end.column - 1], '}')
      }
    })
  }
})

describe('positions as AWS reports them', () => {
  test('columns are one past each brace', () => {
    const span = { start: { line: 3, column: 5 }, end: { line: 9, column: 6 } }
    assert.deepEqual(awsStatementPositions(span), {
      start: { line: 3, column: 6 },
      end: { line: 9, column: 7 },
    })
  })

  // aws-shapes records SimulatePrincipalPolicy against AWS for a policy created with Python's
  // json.dumps of the document below (localstack tests/aws/services/iam/test_iam.py).
  const { path: snapshot, skip } = corpus('aws-shapes/iam/test_iam.snapshot.json')
  test('matches the positions recorded against AWS', { skip }, () => {
    const recorded = JSON.parse(readFileSync(snapshot, 'utf8')) as Record<string, unknown>
    const key =
      'tests/aws/services/iam/test_iam.py::TestIAMIntegrations::test_simulate_principle_policy[role]'
    const entry = recorded[key] as {
      'recorded-content': {
        response: {
          EvaluationResults: {
            MatchedStatements: {
              StartPosition: { Line: number; Column: number }
              EndPosition: { Line: number; Column: number }
            }[]
          }[]
        }
      }
    }
    const matched = entry['recorded-content'].response.EvaluationResults[0]?.MatchedStatements[0]
    assert.ok(matched)
    const text =
      '{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", ' +
      '"Action": "s3:PutObject", "Resource": "*"}}'
    const [statement] = parsePolicy(text, 'managed').statements
    assert.ok(statement)
    assert.deepEqual(awsStatementPositions(statement.span), {
      start: { line: matched.StartPosition.Line, column: matched.StartPosition.Column },
      end: { line: matched.EndPosition.Line, column: matched.EndPosition.Column },
    })
  })
})

describe('text that is not one JSON value', () => {
  const notJson: [string, string][] = [
    ['empty text', ''],
    ['only whitespace', ' \n\t '],
    ['trailing comma in an object', '{"Version":"2012-10-17","Statement":{"Effect":"Allow",}}'],
    ['trailing comma in a list', '{"Statement":[{"Effect":"Allow"},]}'],
    ['single quotes', "{'Version':'2012-10-17'}"],
    ['unquoted key', '{Version:"2012-10-17"}'],
    ['comment', '{"Version":"2012-10-17" /* note */}'],
    ['two values', '{"Version":"2012-10-17"} {}'],
    ['unterminated string', '{"Version":"2012-10-17}'],
    ['raw newline in a string', '{"Version":"2012-\n10-17"}'],
    ['bad escape', '{"Version":"\\x41"}'],
    ['short unicode escape', '{"Version":"\\u41"}'],
    ['leading zero', '{"Version":01}'],
    ['bare decimal point', '{"Version":1.}'],
    ['NaN', '{"Version":NaN}'],
    ['byte order mark', '\ufeff{"Version":"2012-10-17"}'],
    ['unclosed object', '{"Version":"2012-10-17"'],
    ['nesting deeper than any policy', `{"Statement":${'['.repeat(100)}${']'.repeat(100)}}`],
  ]
  for (const [name, text] of notJson) {
    test(`${name}: reader refuses it`, () => {
      assert.throws(() => parseJsonTree(text), JsonSyntaxError)
    })
    test(`${name}: managed says syntax errors, trust says invalid Json`, () => {
      assertMalformed(text, 'managed', 'Syntax errors in policy.')
      assertMalformed(text, 'identity', 'Syntax errors in policy.')
      assertMalformed(text, 'trust', 'This policy contains invalid Json')
      assertMalformed(text, 'resource', 'This policy contains invalid Json')
    })
  }

  test('the reader decodes escapes and keeps numbers as written', () => {
    const tree = parseJsonTree('{"a":"\\u0041\\n\\"\\/","b":-1.50e+3,"c":[true,false,null]}')
    assert.equal(tree.type, 'object')
    if (tree.type !== 'object') return
    const [a, b, c] = tree.entries
    assert.deepEqual(a?.value.type === 'string' && a.value.value, 'A\n"/')
    assert.deepEqual(b?.value.type === 'number' && b.value.raw, '-1.50e+3')
    assert.deepEqual(c?.value.type === 'array' && c.value.items.map((item) => item.type), [
      'boolean',
      'boolean',
      'null',
    ])
  })

  test('a syntax error is MalformedPolicyDocument, 400, and says where it is', () => {
    assert.throws(
      () => parseJsonTree('{\n  "a": 1,\n  }'),
      (error: unknown) => {
        assert.ok(error instanceof JsonSyntaxError)
        assert.equal(error.code, 'MalformedPolicyDocument')
        assert.equal(error.status, 400)
        assert.equal(error.type, 'Sender')
        assert.equal(error.message, 'Syntax errors in policy.')
        assert.deepEqual(error.position, { line: 3, column: 3 })
        assert.match(error.reason, /\S/)
        return true
      },
    )
  })
})
