import { test } from 'node:test'
import assert from 'node:assert/strict'
import { amzDay, formatAmzDate, parseAmzDate } from '../../src/sigv4/amz-date.js'

test('formatAmzDate writes ISO 8601 basic format in UTC without milliseconds', () => {
  const date = new Date('2015-08-30T12:36:00.999Z')
  assert.equal(formatAmzDate(date), '20150830T123600Z')
  assert.equal(amzDay(date), '20150830')
  assert.equal(formatAmzDate(new Date('2024-01-02T03:04:05.000Z')), '20240102T030405Z')
  assert.equal(formatAmzDate(new Date('0999-12-31T23:59:59.000Z')), '09991231T235959Z')
})

test('amzDay is the first eight characters of formatAmzDate, four-digit years or not', () => {
  const dates = [
    '2015-08-30T23:59:59.999Z',
    '2024-02-29T00:00:00.000Z',
    '2000-01-01T00:00:00.000Z',
    '1000-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.000Z',
    '0999-12-31T23:59:59.000Z',
    '+010000-01-01T00:00:00.000Z',
  ]
  for (const iso of dates) {
    const date = new Date(iso)
    assert.equal(amzDay(date), formatAmzDate(date).slice(0, 8), iso)
  }
  assert.equal(amzDay(new Date('2024-02-09T05:06:07Z')), '20240209')
})

test('parseAmzDate accepts only real basic-format UTC timestamps', () => {
  const table: [text: string, iso: string | undefined][] = [
    ['20150830T123600Z', '2015-08-30T12:36:00.000Z'],
    ['20240229T235959Z', '2024-02-29T23:59:59.000Z'],
    ['20230229T000000Z', undefined],
    ['20151330T123600Z', undefined],
    ['20150830T253600Z', undefined],
    ['2015-08-30T12:36:00Z', undefined],
    ['20150830T123600', undefined],
    ['Sun, 30 Aug 2015 12:36:00 GMT', undefined],
    ['', undefined],
    ['99991231T235959Z', '9999-12-31T23:59:59.000Z'],
    ['10000101T000000Z', '1000-01-01T00:00:00.000Z'],
    // Date.UTC would read year 50 as 1950.
    ['00500101T000000Z', undefined],
    ['20150830T240000Z', undefined],
    ['20150830T123660Z', undefined],
    ['20150830T123600Z\n', undefined],
    [' 20150830T123600Z', undefined],
    ['2015O830T123600Z', undefined],
    ['\uff120150830T123600Z', undefined],
    ['+0150830T123600Z', undefined],
  ]
  for (const [text, iso] of table) assert.equal(parseAmzDate(text)?.toISOString(), iso, text)
})
