// SigV4 timestamps: ISO 8601 "basic format" in UTC (20150830T123600Z), as X-Amz-Date carries them.
// Both directions work on the date's fields: every signed request goes through them.

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : `${value}`)

/** 2015-08-30T12:36:00.123Z -> 20150830T123600Z (milliseconds dropped). */
export const formatAmzDate = (date: Date): string => {
  const year = date.getUTCFullYear()
  if (!(year >= 1000 && year <= 9999)) {
    // Years ISO 8601 writes with a sign or fewer digits (and invalid dates, which throw).
    return date
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '')
  }
  return (
    `${year}${twoDigits(date.getUTCMonth() + 1)}${twoDigits(date.getUTCDate())}` +
    `T${twoDigits(date.getUTCHours())}${twoDigits(date.getUTCMinutes())}` +
    `${twoDigits(date.getUTCSeconds())}Z`
  )
}

/** The YYYYMMDD day of a timestamp, as the credential scope carries it. */
export const amzDay = (date: Date): string => {
  const year = date.getUTCFullYear()
  if (!(year >= 1000 && year <= 9999)) return formatAmzDate(date).slice(0, 8)
  return `${year}${twoDigits(date.getUTCMonth() + 1)}${twoDigits(date.getUTCDate())}`
}

/** The number written by the ASCII digits text[from, to), or -1 when any of them is no digit. */
const digitsAt = (text: string, from: number, to: number): number => {
  let value = 0
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

/** Parses the basic format strictly (no 13th month, no 25th hour); undefined otherwise. */
export const parseAmzDate = (text: string): Date | undefined => {
  // YYYYMMDDTHHMMSSZ: sixteen characters, T and Z in place, digits everywhere else.
  if (text.length !== 16 || text[8] !== 'T' || text[15] !== 'Z') return undefined
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 4, 6)
  const day = digitsAt(text, 6, 8)
  const hour = digitsAt(text, 9, 11)
  const minute = digitsAt(text, 11, 13)
  const second = digitsAt(text, 13, 15)
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  // Date.UTC rolls 30 February into March and 24:00 into the next day, and maps years 0-99 to
  // 1900-1999: any field that moved means the text named no real instant.
  return date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
    ? date
    : undefined
}
