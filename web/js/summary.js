// @ts-check
/**
 * The summary on this device (SPEC §6): streaks with grace and pauses, momentum, the heatmap and
 * each goal's current period, from what IndexedDB holds. Its answers have the shapes and the
 * numbers of the server's `/summary`, `/summary/heatmap` and `/summary/history`: the golden cases
 * in tests/golden/summary_cases.json, made from the server's Python rules, check both
 * (tests/web/summary_rules.test.mjs). It imports nothing and touches no storage, so every screen
 * can ask it again the instant an entry is logged, undone or deleted.
 *
 * Days are day numbers (days since 1970-01-01): a day's weekday, week and distance are arithmetic.
 * It reads entries per local date (derived.js, db.js's `days` store), never the entries themselves: the
 * cost follows the days with entries plus one step per calendar day from the first entry to `as_of`.
 */

const DAY_MS = 86_400_000;
const WEEK = 7;
const BEST_STREAKS = 5;
/** Days of entries behind one day's momentum credit, and what earns full credit (× target). */
const WINDOW = { daily: { days: 1, times: 1 }, weekly: { days: 14, times: 2 } };

/**
 * @typedef {import('./derived.js').Day} Day  entries per local date
 * @typedef {{id: string, title: string, cadence: 'daily' | 'weekly', target: number, status?: string}} Goal
 * @typedef {{start_date: string, end_date: string, goal_id: string | null, deleted_at?: string | null}} Pause
 * @typedef {{timezone: string, day_start_hour?: number, week_start: string, grace_days: number}} Settings
 * @typedef {{cadence: 'daily' | 'weekly', target: number, grace: number, sundays: boolean}} Rule
 * @typedef {{length: number, start: string | null, end: string | null, status: string, grace_used: number, paused_days: number}} Streak
 * @typedef {{first: number, last: number, length: number, grace: number, paused: number}} Run
 * @typedef {{through: (day: number) => number, between: (first: number, last: number) => number}} Paused
 * @typedef {{asOf: number, counts: Map<number, number>, days: number[], paused: Paused}} Series
 */

/** @param {string} iso "YYYY-MM-DD" @returns {number} */
export function dayNumber(iso) {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

/** @param {number} day @returns {string} */
export function isoDay(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** @param {number} n @param {number} d */
const modulo = (n, d) => ((n % d) + d) % d;

/** Monday 0 … Sunday 6 (1970-01-01, day 0, was a Thursday). @param {number} day */
export const weekday = (day) => modulo(day + 3, WEEK);

/** First day of the week holding `day`. @param {number} day @param {boolean} sundays weeks begin on Sunday */
export const weekOf = (day, sundays) => day - modulo(day + (sundays ? 4 : 3), WEEK);

/** ceil(target × unpaused days / period days): what a period needs; 0 when wholly paused. */
const requirement = (/** @type {number} */ target, /** @type {number} */ span, /** @type {number} */ paused) =>
  Math.ceil((target * (span - paused)) / span);

/** Python's round(x, 4) for the scores: the nearest of the exact value, clamped to 0..1. @param {number} x */
const score4 = (x) => Math.min(1, Math.max(0, Number(x.toFixed(4))));

/** The last index in ascending `values` whose value is ≤ `value`, or −1. @param {number[]} values @param {number} value */
function lastAtMost(values, value) {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/**
 * The days the pauses cover, less the days with entries (a logged day is never paused):
 * `through(d)` counts them up to day d, `between(a, b)` from a through b.
 * @param {[number, number][]} ranges first and last day of each pause @param {number[]} logged ascending
 * @returns {Paused}
 */
export function pausedDays(ranges, logged) {
  /** @type {number[]} */ const starts = [];
  /** @type {number[]} */ const ends = [];
  for (const [first, last] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (ends.length && first <= ends[ends.length - 1] + 1) ends[ends.length - 1] = Math.max(ends[ends.length - 1], last);
    else starts.push(first), ends.push(last);
  }
  const before = [0];
  starts.forEach((start, index) => before.push(before[index] + ends[index] - start + 1));
  const covered = (/** @type {number} */ day) => {
    const index = lastAtMost(starts, day);
    return index < 0 ? 0 : before[index] + Math.min(ends[index], day) - starts[index] + 1;
  };
  const inside = logged.filter((day) => {
    const index = lastAtMost(starts, day);
    return index >= 0 && day <= ends[index];
  });
  const through = (/** @type {number} */ day) => covered(day) - (lastAtMost(inside, day) + 1);
  return { through, between: (first, last) => (last < first ? 0 : through(last) - through(first - 1)) };
}

/**
 * Entries per local date, of the whole log (key null) and of each of `goalIds`, in one pass.
 * @param {Iterable<Day>} days @param {string[]} goalIds
 * @returns {Map<string | null, Map<string, number>>}
 */
function entriesPerDate(days, goalIds) {
  /** @type {Map<string | null, Map<string, number>>} */
  const perSeries = new Map([[null, new Map()], ...goalIds.map((id) => /** @type {[string, Map<string, number>]} */ ([id, new Map()]))]);
  const overall = /** @type {Map<string, number>} */ (perSeries.get(null));
  for (const day of days) {
    const date = day.local_date;
    overall.set(date, (overall.get(date) || 0) + day.count);
    for (const [goalId, count] of Object.entries(day.goals)) {
      const dates = perSeries.get(goalId);
      if (dates && count) dates.set(date, (dates.get(date) || 0) + count);
    }
  }
  return perSeries;
}

/**
 * One series (the whole log, or one goal's entries) up to `asOf`, with the pauses that cover it.
 * @param {Map<string, number>} perDate entries per local date @param {Pause[]} pauses
 * @param {string | null} goalId @param {number} asOf
 * @returns {Series}
 */
export function seriesOf(perDate, pauses, goalId, asOf) {
  /** @type {Map<number, number>} */
  const counts = new Map();
  for (const [date, count] of perDate) {
    const day = dayNumber(date);
    if (day <= asOf) counts.set(day, count);
  }
  const days = [...counts.keys()].sort((a, b) => a - b);
  /** @type {[number, number][]} */
  const ranges = pauses
    .filter((pause) => !pause.deleted_at && (pause.goal_id === null || pause.goal_id === goalId))
    .map((pause) => [dayNumber(pause.start_date), dayNumber(pause.end_date)]);
  return { asOf, counts, days, paused: pausedDays(ranges, days) };
}

/**
 * Daily runs: met days joined while at most `grace` days neither met nor paused lie between them.
 * @param {Series} series @param {Rule} rule @returns {Run[]}
 */
function dailyRuns({ counts, days, paused }, rule) {
  const met = days.filter((day) => /** @type {number} */ (counts.get(day)) >= rule.target);
  // A day's position counts the unpaused days before it: two positions differ by the unpaused days between.
  const position = (/** @type {number} */ day) => day - paused.through(day);
  /** @type {Run[]} */
  const runs = [];
  let first = 0;
  for (let index = 1; index <= met.length; index++) {
    if (index < met.length && position(met[index]) - position(met[index - 1]) <= rule.grace + 1) continue;
    if (!met.length) break;
    const [start, end] = [met[first], met[index - 1]];
    const unpaused = position(end) - position(start) + 1;
    runs.push({ first: start, last: end, length: end - start + 1, grace: unpaused - (index - first), paused: end - start + 1 - unpaused });
    first = index;
  }
  return runs;
}

/** Entries per week, by the week's first day, in order. @param {Series} series @param {boolean} sundays */
function weekCounts({ counts, days }, sundays) {
  /** @type {Map<number, number>} */
  const weeks = new Map();
  for (const day of days) {
    const week = weekOf(day, sundays);
    weeks.set(week, (weeks.get(week) || 0) + /** @type {number} */ (counts.get(day)));
  }
  return weeks;
}

/**
 * Weekly runs: met weeks joined while only skipped (wholly paused) weeks lie between them. A week
 * is met with ceil(target × its unpaused days / 7) entries, planned pauses later in it included.
 * @param {Series} series @param {Rule} rule @returns {Run[]}
 */
function weeklyRuns(series, rule) {
  const { paused } = series;
  const met = [...weekCounts(series, rule.sundays)]
    .filter(([week, count]) => count >= requirement(rule.target, WEEK, paused.between(week, week + WEEK - 1)))
    .map(([week]) => week);
  /** @type {Run[]} */
  const runs = [];
  let first = 0;
  for (let index = 1; index <= met.length; index++) {
    if (index < met.length) {
      const between = met[index] - met[index - 1] - WEEK;
      if (between === 0 || paused.between(met[index - 1] + WEEK, met[index] - 1) === between) continue;
    }
    if (!met.length) break;
    const [start, end] = [met[first], met[index - 1]];
    runs.push({ first: start, last: end, length: (end - start) / WEEK + 1, grace: 0, paused: paused.between(start, end + WEEK - 1) });
    first = index;
  }
  return runs;
}

/**
 * `active` with no unpaused period since the run, `at_risk` while today (this week) can still
 * continue it, else `none`.
 * @param {Series} series @param {Run} last @param {Rule} rule
 */
function currentStatus({ asOf, paused }, last, rule) {
  if (rule.cadence === 'daily') {
    const gap = asOf - last.last - paused.between(last.last + 1, asOf);
    if (gap === 0) return 'active';
    return gap <= rule.grace + 1 ? 'at_risk' : 'none';
  }
  const thisWeek = weekOf(asOf, rule.sundays);
  if (thisWeek === last.last) return 'active';
  if (paused.between(last.last + WEEK, thisWeek - 1) !== thisWeek - last.last - WEEK) return 'none';
  return paused.between(thisWeek, thisWeek + WEEK - 1) === WEEK ? 'active' : 'at_risk';
}

/** @param {Run | null} run @param {string} status @returns {Streak} */
function streakOf(run, status) {
  if (!run) return { length: 0, start: null, end: null, status: 'none', grace_used: 0, paused_days: 0 };
  return { length: run.length, start: isoDay(run.first), end: isoDay(run.last), status, grace_used: run.grace, paused_days: run.paused };
}

/**
 * The current period: its first and last day, its entries so far and what it requires.
 * @param {Series} series @param {Rule} rule
 */
function currentPeriod({ asOf, counts, days, paused }, rule) {
  const span = rule.cadence === 'daily' ? 1 : WEEK;
  const start = rule.cadence === 'daily' ? asOf : weekOf(asOf, rule.sundays);
  let count = 0;
  for (let index = days.length - 1; index >= 0 && days[index] >= start; index--) count += /** @type {number} */ (counts.get(days[index]));
  const required = requirement(rule.target, span, paused.between(start, start + span - 1));
  return { start: isoDay(start), end: isoDay(start + span - 1), count, required };
}

/**
 * Current, longest and the five best streaks, and the current period, of one series.
 * @param {Series} series @param {Rule} rule
 */
export function streaksOf(series, rule) {
  const runs = rule.cadence === 'daily' ? dailyRuns(series, rule) : weeklyRuns(series, rule);
  const period = currentPeriod(series, rule);
  if (!runs.length) return { current: streakOf(null, 'none'), longest: streakOf(null, 'none'), best: [], period };
  const last = runs[runs.length - 1];
  const status = currentStatus(series, last, rule);
  // Longest first; runs never overlap, so among equals the later run ends later.
  const best = [...runs]
    .sort((a, b) => b.length - a.length || b.last - a.last)
    .slice(0, BEST_STREAKS)
    .map((run) => streakOf(run, run === last && status !== 'none' ? status : 'ended'));
  return { current: status === 'none' ? streakOf(null, 'none') : streakOf(last, status), longest: best[0], best, period };
}

/**
 * Loop Habit Tracker's habit strength at the end of each day from `first` through `last`
 * (unrounded): m = 0.5^(√f / 13), f = min(target, p) / p; a paused day keeps the score; other
 * days take score·m + c·(1 − m), c the credit of the window's entries (SPEC §6).
 * @param {Series} series @param {'daily' | 'weekly'} cadence @param {number} target
 * @param {number} first @param {number} last @returns {number[]}
 */
export function dailyScores({ counts, days, paused }, cadence, target, first, last) {
  const frequency = Math.min(target, cadence === 'daily' ? 1 : WEEK) / (cadence === 'daily' ? 1 : WEEK);
  const m = 0.5 ** (Math.sqrt(frequency) / 13);
  const { days: windowDays, times } = WINDOW[cadence];
  /** @type {number[]} */ const window = [];
  /** @type {number[]} */ const scores = [];
  let score = 0;
  let inWindow = 0;
  const from = days.length ? Math.min(days[0], first) : first;
  for (let day = from; day <= last; day++) {
    const started = days.length > 0 && day >= days[0];
    if (started && paused.between(day, day) === 0) {
      const count = counts.get(day) || 0;
      window.push(count);
      inWindow += count;
      if (window.length > windowDays) inWindow -= /** @type {number} */ (window.shift());
      score = score * m + Math.min(1, inWindow / (times * target)) * (1 - m);
    }
    if (day >= first) scores.push(score);
  }
  return scores;
}

/** Rounded habit strength on the series' `asOf`. @param {Series} series @param {'daily' | 'weekly'} cadence @param {number} target */
export function momentumOf(series, cadence, target) {
  return score4(dailyScores(series, cadence, target, series.asOf, series.asOf)[0]);
}

/** @param {Settings} settings @param {Goal | null} goal @returns {Rule} */
function ruleOf(settings, goal) {
  return {
    cadence: goal ? goal.cadence : 'daily',
    target: goal ? goal.target : 1,
    grace: settings.grace_days || 0,
    sundays: settings.week_start === 'sunday',
  };
}

/** Entries of a series within the `days` days ending on its `asOf`. @param {Series} series @param {number} days */
function entriesWithin({ asOf, counts }, days) {
  let total = 0;
  for (const [day, count] of counts) if (day > asOf - days) total += count;
  return total;
}

/**
 * The summary as of `asOf` (an ISO date), in the shape of `GET /summary` without `by_kind` and
 * `by_hour`: `{as_of, timezone, grace_days, overall, goals, by_weekday}`; `goals` lists the
 * active goals in the order given.
 * @param {{days: Iterable<Day>, goals: Goal[], pauses: Pause[], settings: Settings, asOf: string}} data
 */
export function summarize({ days, goals, pauses, settings, asOf }) {
  const day = dayNumber(asOf);
  const active = goals.filter((goal) => goal.status !== 'archived');
  const perSeries = entriesPerDate(days, active.map((goal) => goal.id));
  const overall = seriesOf(/** @type {Map<string, number>} */ (perSeries.get(null)), pauses, null, day);
  const byWeekday = [0, 0, 0, 0, 0, 0, 0];
  for (const [logged, count] of overall.counts) byWeekday[weekday(logged)] += count;
  const { period: _today, ...overallStreaks } = streaksOf(overall, ruleOf(settings, null));
  return {
    as_of: asOf,
    timezone: settings.timezone,
    grace_days: settings.grace_days || 0,
    overall: {
      ...overallStreaks,
      momentum: momentumOf(overall, 'daily', 1),
      entries: entriesWithin(overall, Infinity),
      active_days: overall.days.length,
      last_7_days: entriesWithin(overall, 7),
      last_30_days: entriesWithin(overall, 30),
    },
    goals: active.map((goal) => goalSummary(/** @type {Map<string, number>} */ (perSeries.get(goal.id)), pauses, settings, goal, day)),
    by_weekday: byWeekday,
  };
}

/** @param {Map<string, number>} perDate @param {Pause[]} pauses @param {Settings} settings @param {Goal} goal @param {number} day */
function goalSummary(perDate, pauses, settings, goal, day) {
  const series = seriesOf(perDate, pauses, goal.id, day);
  const { current, longest, best, period } = streaksOf(series, ruleOf(settings, goal));
  return {
    goal_id: goal.id,
    title: goal.title,
    cadence: goal.cadence,
    target: goal.target,
    current,
    longest,
    best,
    momentum: momentumOf(series, goal.cadence, goal.target),
    entries: entriesWithin(series, Infinity),
    period,
  };
}

/**
 * Entries per day from `from` through `to` (ISO dates), as `GET /summary/heatmap`:
 * `{from, to, max, total, days: [{date, count}]}`, days with entries only, oldest first.
 * @param {Iterable<Day>} logged @param {string} from @param {string} to
 */
export function heatmap(logged, from, to) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const day of logged) {
    if (day.local_date >= from && day.local_date <= to && day.count) counts.set(day.local_date, (counts.get(day.local_date) || 0) + day.count);
  }
  const days = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([date, count]) => ({ date, count }));
  return {
    from,
    to,
    max: days.reduce((most, day) => Math.max(most, day.count), 0),
    total: days.reduce((sum, day) => sum + day.count, 0),
    days,
  };
}

/**
 * Momentum over time, as `GET /summary/history` with `bucket=day|week`: for the whole log
 * (`goal` null) or one goal, a point per bucket from `from` through `to`, each the mean of its
 * days' scores (4 decimals) with its qualifying entries; weeks begin on the user's week start.
 * @param {{days: Iterable<Day>, pauses: Pause[], settings: Settings, goal: Goal | null, from: string, to: string, bucket: 'day' | 'week'}} query
 */
export function momentumHistory({ days, pauses, settings, goal, from, to, bucket }) {
  const [first, last] = [dayNumber(from), dayNumber(to)];
  const rule = ruleOf(settings, goal);
  const perDate = /** @type {Map<string, number>} */ (entriesPerDate(days, goal ? [goal.id] : []).get(goal ? goal.id : null));
  const series = seriesOf(perDate, pauses, goal ? goal.id : null, last);
  const scores = dailyScores(series, rule.cadence, rule.target, first, last);
  const points = [];
  for (let start = first; start <= last; ) {
    const end = bucket === 'day' ? start : Math.min(last, weekOf(start, rule.sundays) + WEEK - 1);
    let sum = 0;
    let logged = 0;
    for (let day = start; day <= end; day++) {
      sum += scores[day - first];
      logged += series.counts.get(day) || 0;
    }
    points.push({ start: isoDay(start), end: isoDay(end), momentum: score4(sum / (end - start + 1)), entries: logged });
    start = end + 1;
  }
  return { goal_id: goal ? goal.id : null, bucket, from, to, points };
}
