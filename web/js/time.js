// @ts-check
/**
 * Wall-clock arithmetic in IANA time zones: RFC 3339 timestamps with offset and the
 * `local_date` rule of SPEC §3, so an entry logged offline lands on the right day.
 */

/** Formats by use and zone, made once (one a call took ~40 ms of a search keystroke). @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/** @param {string} key @param {() => Intl.DateTimeFormat} make */
function made(key, make) {
  let format = formats.get(key);
  if (!format) formats.set(key, (format = make()));
  return format;
}

/** @param {string} timeZone */
function partsFormat(timeZone) {
  return made(`parts ${timeZone}`, () =>
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
  );
}

/** The browser's IANA zone. */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Wall clock of an instant in a zone, as a UTC-based Date holding the wall-clock fields.
 * @param {Date} instant @param {string} timeZone
 */
export function wallClock(instant, timeZone) {
  /** @type {Record<string, number>} */
  const p = {};
  for (const part of partsFormat(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second, instant.getUTCMilliseconds()));
}

/** @param {number} n @param {number} [width] */
const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * RFC 3339 with the zone's offset, e.g. 2026-11-25T22:04:05.120+01:00.
 * @param {Date} instant @param {string} timeZone
 */
export function rfc3339(instant, timeZone) {
  const wall = wallClock(instant, timeZone);
  const offset = Math.round((wall.getTime() - instant.getTime()) / 60000);
  const sign = offset < 0 ? '-' : '+';
  const date = `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}.${pad(wall.getUTCMilliseconds(), 3)}`;
  return `${date}T${time}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** @param {Date} utcDate a Date whose UTC fields are a calendar date */
export function isoDate(utcDate) {
  return utcDate.toISOString().slice(0, 10);
}

/**
 * SPEC §3 `local_date`: the date of the instant in the zone, minus day_start_hour hours.
 * @param {Date} instant @param {string} timeZone @param {number} dayStartHour
 */
export function localDate(instant, timeZone, dayStartHour) {
  const wall = wallClock(instant, timeZone);
  return isoDate(new Date(wall.getTime() - dayStartHour * 3600_000));
}

/** Today in the user's sense (now in their zone, minus day_start_hour). @param {{timezone?: string, day_start_hour?: number}} user */
export function today(user) {
  return localDate(new Date(), user.timezone || browserTimeZone(), user.day_start_hour || 0);
}

/** @param {string} iso @param {number} days */
export function addDays(iso, days) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDate(date);
}

/**
 * "14:05" or "2:05 PM" (as the person's locale writes times) on the wall clock of the entry's zone.
 * @param {string} occurredAt @param {string} timeZone
 */
export function clockTime(occurredAt, timeZone) {
  const clock = (/** @type {string | undefined} */ zone) => new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: 'numeric', minute: '2-digit' });
  return made(`clock ${timeZone}`, () => {
    try {
      return clock(timeZone);
    } catch {
      return clock(undefined);
    }
  }).format(new Date(occurredAt));
}

/** Value for <input type="datetime-local"> showing the instant in the zone. @param {string} occurredAt @param {string} timeZone */
export function toDatetimeLocal(occurredAt, timeZone) {
  return rfc3339(new Date(occurredAt), timeZone).slice(0, 16);
}

/**
 * The instant for a datetime-local value read as wall clock in the zone.
 * @param {string} value "YYYY-MM-DDTHH:MM" @param {string} timeZone
 */
export function fromDatetimeLocal(value, timeZone) {
  const asUtc = new Date(`${value}:00Z`);
  // Two passes settle the offset also next to a DST change.
  let instant = asUtc;
  for (let i = 0; i < 2; i++) {
    const offset = wallClock(instant, timeZone).getTime() - instant.getTime();
    instant = new Date(asUtc.getTime() - offset);
  }
  return instant;
}
