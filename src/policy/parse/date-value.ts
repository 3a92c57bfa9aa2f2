// The date text IAM's legacy parser accepts in Date* conditions: an ISO 8601 date-time (loosely)
// or whole epoch seconds. Anything else makes IAM answer "The policy failed legacy parsing".

const MIN_YEAR = -292275054
const MAX_YEAR = 292278993
const MAX_EPOCH = 9223372036854775807n

const digits = /^\d+$/

const inRange = (text: string | undefined, low: number, high: number): boolean =>
  text !== undefined && digits.test(text) && Number(text) >= low && Number(text) <= high

function readableDate(date: string): boolean {
  const negative = date.startsWith('-')
  const [year, month, day, ...extra] = (negative ? date.slice(1) : date).split('-')
  if (extra.length > 0 || year === undefined || !digits.test(year)) return false
  const signedYear = negative ? -Number(year) : Number(year)
  if (signedYear < MIN_YEAR || signedYear > MAX_YEAR) return false
  if (month !== undefined && !inRange(month, 1, 12)) return false
  return day === undefined || inRange(day, 1, 31)
}

/** hh, hh:mm or hh:mm:ss[.fraction], then an optional zone: z, +hh[:mm] or -hh[:mm]. */
function readableTime(time: string): boolean {
  if (time === '') return true
  let clock = time
  if (clock.endsWith('z')) {
    clock = clock.slice(0, -1)
  } else {
    const zoneAt = Math.max(clock.indexOf('+'), clock.indexOf('-'))
    if (zoneAt >= 0) {
      const [hours, minutes, ...extra] = clock.slice(zoneAt + 1).split(':')
      if (extra.length > 0 || hours?.length !== 2 || !inRange(hours, 0, 23)) return false
      if (minutes !== undefined && (minutes.length !== 2 || !inRange(minutes, 0, 59))) return false
      clock = clock.slice(0, zoneAt)
    }
  }
  const [hours, minutes, seconds, ...extra] = clock.split(':')
  if (extra.length > 0 || !inRange(hours, 0, 23)) return false
  if (minutes !== undefined && !inRange(minutes, 0, 59)) return false
  if (seconds === undefined) return true
  const [whole, fraction, ...more] = seconds.split('.')
  if (more.length > 0 || !inRange(whole, 0, 59)) return false
  return fraction === undefined || /^\d{1,9}$/.test(fraction)
}

/** True when IAM's legacy parser reads `value` as a date. */
export function isLegacyDate(value: string): boolean {
  const lower = value.toLowerCase()
  if (lower.includes('t') || lower.includes('-')) {
    const at = lower.indexOf('t')
    return at < 0
      ? readableDate(lower)
      : readableDate(lower.slice(0, at)) && readableTime(lower.slice(at + 1))
  }
  return digits.test(value) && BigInt(value) <= MAX_EPOCH
}
