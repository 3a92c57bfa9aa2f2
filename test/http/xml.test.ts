import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DOMParser } from '@xmldom/xmldom'
import { AwsError } from '../../src/core/errors.js'
import {
  encodeXmlElements,
  encodeXmlError,
  encodeXmlResult,
  encodeXmlValue,
  escapeXml,
  formatAwsDate,
  xmlEncoder,
} from '../../src/http/xml.js'

const IAM = 'https://iam.amazonaws.com/doc/2010-05-08/'
const context = { requestId: 'req-1', namespace: IAM }

describe('escapeXml', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['a & b', 'a &amp; b'],
    ['<Role>', '&lt;Role&gt;'],
    ['say "hi"', 'say &quot;hi&quot;'],
    ["it's", "it's"],
    ['line\r\nbreak', 'line&#13;\nbreak'],
    ['nul\u0000bell\u0007', 'nul\uFFFDbell\uFFFD'],
    ['tab\tok', 'tab\tok'],
    ['emoji \u{1F600}', 'emoji \u{1F600}'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['&amp;', '&amp;amp;'],
  ]
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(escapeXml(input), expected))
  }
})

describe('formatAwsDate', () => {
  test('drops milliseconds and keeps UTC', () => {
    assert.equal(formatAwsDate(new Date('2024-01-02T03:04:05.678Z')), '2024-01-02T03:04:05Z')
    assert.equal(
      formatAwsDate(new Date(Date.UTC(1999, 11, 31, 23, 59, 59))),
      '1999-12-31T23:59:59Z',
    )
  })
})

describe('encodeXmlElements', () => {
  test('keeps key order as element order', () => {
    assert.equal(encodeXmlElements({ B: '2', A: '1', C: '3' }), '<B>2</B><A>1</A><C>3</C>')
  })

  test('arrays become member lists, of scalars and of structures', () => {
    assert.equal(
      encodeXmlElements({ Names: ['a', 'b'], Tags: [{ Key: 'k', Value: 'v' }] }),
      '<Names><member>a</member><member>b</member></Names>' +
        '<Tags><member><Key>k</Key><Value>v</Value></member></Tags>',
    )
  })

  test('an empty array is an empty element, as AWS sends an empty list', () => {
    assert.equal(encodeXmlElements({ Users: [] }), '<Users></Users>')
  })

  test('undefined and null are left out; false and 0 are kept', () => {
    assert.equal(
      encodeXmlElements({ A: undefined, B: null, C: false, D: 0, E: '' }),
      '<C>false</C><D>0</D><E></E>',
    )
  })

  test('nested structures, dates and booleans', () => {
    assert.equal(
      encodeXmlElements({
        User: { UserName: 'bob', CreateDate: new Date('2024-01-02T03:04:05Z') },
        IsTruncated: true,
      }),
      '<User><UserName>bob</UserName><CreateDate>2024-01-02T03:04:05Z</CreateDate></User>' +
        '<IsTruncated>true</IsTruncated>',
    )
  })

  test('text is escaped inside members too', () => {
    assert.equal(encodeXmlElements({ L: ['<&>'] }), '<L><member>&lt;&amp;&gt;</member></L>')
  })
})

describe('encodeXmlResult', () => {
  test('wraps the result in {Action}Response/{Action}Result with the request id', () => {
    assert.equal(
      encodeXmlResult('GetUser', { User: { UserName: 'bob' } }, context),
      `<GetUserResponse xmlns="${IAM}"><GetUserResult><User><UserName>bob</UserName></User>` +
        '</GetUserResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>' +
        '</GetUserResponse>',
    )
  })

  test('an operation that answers nothing has no Result element', () => {
    assert.equal(
      encodeXmlResult('DeleteRole', undefined, context),
      `<DeleteRoleResponse xmlns="${IAM}"><ResponseMetadata><RequestId>req-1</RequestId>` +
        '</ResponseMetadata></DeleteRoleResponse>',
    )
  })

  test('parses as XML and round-trips text that needs escaping', () => {
    const text = 'a<b>&"c"\'d\r\n\u00e9'
    const xml = encodeXmlResult('GetRole', { Role: { Description: text } }, context)
    const doc = new DOMParser().parseFromString(xml, 'text/xml')
    const description = doc.getElementsByTagName('Description')[0]
    assert.equal(description?.textContent, text)
    assert.equal(doc.documentElement?.getAttribute('xmlns'), IAM)
  })
})

describe('error envelope', () => {
  test('ErrorResponse with Type, Code, Message and RequestId', () => {
    const error = new AwsError('NoSuchEntity', 'The user with name bob <x> cannot be found.')
    assert.equal(
      encodeXmlError(error, context),
      `<ErrorResponse xmlns="${IAM}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
        '<Message>The user with name bob &lt;x&gt; cannot be found.</Message></Error>' +
        '<RequestId>req-1</RequestId></ErrorResponse>',
    )
  })

  test('the HTTP status is the error status and the request id is a header', () => {
    const response = xmlEncoder.failure(new AwsError('EntityAlreadyExists', 'taken'), context)
    assert.equal(response.status, 409)
    assert.equal(response.headers['x-amzn-RequestId'], 'req-1')
    assert.equal(response.headers['content-type'], 'text/xml')
  })

  test('a Receiver fault says Receiver', () => {
    const error = new AwsError('ServiceFailure', 'boom')
    assert.match(
      encodeXmlError(error, context),
      /<Type>Receiver<\/Type><Code>ServiceFailure<\/Code>/,
    )
    assert.equal(xmlEncoder.failure(error, context).status, 500)
  })

  test('success is 200 with the request id header', () => {
    const response = xmlEncoder.success('ListUsers', { Users: [] }, context)
    assert.equal(response.status, 200)
    assert.equal(response.headers['x-amzn-RequestId'], 'req-1')
  })
})

test('a map is written as AWS writes SummaryMap: entry, key, value, in order', () => {
  // API Reference, GetAccountSummary, sample response.
  assert.equal(
    encodeXmlValue(
      new Map<string, string | number>([
        ['Groups', 31],
        ['GroupsQuota', 50],
        ['a<b', 'x&y'],
      ]),
    ),
    '<entry><key>Groups</key><value>31</value></entry>' +
      '<entry><key>GroupsQuota</key><value>50</value></entry>' +
      '<entry><key>a&lt;b</key><value>x&amp;y</value></entry>',
  )
})
