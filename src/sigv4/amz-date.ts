// SigV4 timestamps: ISO 8601 "basic format" in UTC (20150830T123600Z), as X-Amz-Date carries them.

const basicFormat = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** 2015-08-30T12:36:00.123Z -> 20150830T123600Z (milliseconds dropped). */
export const formatAmzDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')

/** The YYYYMMDD day of a timestamp, as the credential scope carries it. */
export const amzDay = (date: Date): string => formatAmzDate(date).slice(0, 8)

/** Parses the basic format strictly (no 13th month, no 25th hour); undefined otherwise. */
export const parseAmzDate = (text: string): Date | undefined => {
  const match = basicFormat.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
  return formatAmzDate(date) === text ? date : undefined
}
