//! A time series from a table: the date column read with the table's own date parsing, the
//! frequency detected from the steps between dates, duplicate timestamps averaged, gaps and
//! missing values filled by linear interpolation (each with a note), and the seasonal periods
//! found from the frequency and checked by autocorrelation.

use crate::data::cells::{
    civil_from_days, days_from_civil, is_missing, parse_date_as, parse_number_as,
};
use crate::data::{classify, ColumnKind, Table};
use crate::error::{AutoMlError, Result};
use crate::message;
use crate::messages::{Message, Param};
use serde::Serialize;

/// How often the series has a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// One value per hour.
    Hourly,
    /// One value per day.
    Daily,
    /// One value per week.
    Weekly,
    /// One value per month.
    Monthly,
    /// One value per quarter.
    Quarterly,
    /// One value per year.
    Yearly,
}

impl Frequency {
    /// The frequency as a word of the message catalogue (`frequency.daily`, ...).
    pub fn message(self) -> Message {
        match self {
            Frequency::Hourly => message!("frequency.hourly"),
            Frequency::Daily => message!("frequency.daily"),
            Frequency::Weekly => message!("frequency.weekly"),
            Frequency::Monthly => message!("frequency.monthly"),
            Frequency::Quarterly => message!("frequency.quarterly"),
            Frequency::Yearly => message!("frequency.yearly"),
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Frequency::Hourly => "hourly",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::Yearly => "yearly",
        }
    }

    /// The horizon used when the person does not set one: two days, two weeks, a quarter of a
    /// year, a year, two years, five years.
    pub fn default_horizon(self) -> usize {
        match self {
            Frequency::Hourly => 48,
            Frequency::Daily => 14,
            Frequency::Weekly => 13,
            Frequency::Monthly => 12,
            Frequency::Quarterly => 8,
            Frequency::Yearly => 5,
        }
    }

    /// Seasonal periods the calendar suggests, most usual first.
    pub fn calendar_periods(self) -> &'static [usize] {
        match self {
            Frequency::Hourly => &[24, 168],
            Frequency::Daily => &[7, 365],
            Frequency::Weekly => &[52],
            Frequency::Monthly => &[12],
            Frequency::Quarterly => &[4],
            Frequency::Yearly => &[],
        }
    }

    /// The integer slot of a timestamp (seconds) on this frequency's grid. Weeks count from
    /// `origin_days` (the first date), so a week may start on any weekday.
    pub fn slot(self, seconds: f64, origin_days: i64) -> i64 {
        let days = (seconds / 86_400.0).floor() as i64;
        let (y, m, _) = civil_from_days(days);
        match self {
            Frequency::Hourly => (seconds / 3600.0).round() as i64,
            Frequency::Daily => days,
            Frequency::Weekly => (days - origin_days + 3).div_euclid(7),
            Frequency::Monthly => y * 12 + m as i64 - 1,
            Frequency::Quarterly => y * 4 + (m as i64 - 1) / 3,
            Frequency::Yearly => y,
        }
    }

    /// The timestamp (seconds) of a slot, the inverse of [`Frequency::slot`].
    pub fn slot_start(self, slot: i64, origin_days: i64) -> f64 {
        let days = match self {
            Frequency::Hourly => return slot as f64 * 3600.0,
            Frequency::Daily => slot,
            Frequency::Weekly => origin_days + slot * 7,
            Frequency::Monthly => {
                days_from_civil(slot.div_euclid(12), slot.rem_euclid(12) as u32 + 1, 1)
            }
            Frequency::Quarterly => {
                days_from_civil(slot.div_euclid(4), slot.rem_euclid(4) as u32 * 3 + 1, 1)
            }
            Frequency::Yearly => days_from_civil(slot, 1, 1),
        };
        days as f64 * 86_400.0
    }

    /// The frequency whose usual step is closest to `step_days`, if any is close.
    pub fn from_step_days(step_days: f64) -> Option<Frequency> {
        let hours = step_days * 24.0;
        if (0.9..=1.1).contains(&hours) {
            Some(Frequency::Hourly)
        } else if (0.9..=1.1).contains(&step_days) {
            Some(Frequency::Daily)
        } else if (6.5..=7.5).contains(&step_days) {
            Some(Frequency::Weekly)
        } else if (27.5..=31.5).contains(&step_days) {
            Some(Frequency::Monthly)
        } else if (88.0..=93.0).contains(&step_days) {
            Some(Frequency::Quarterly)
        } else if (360.0..=367.0).contains(&step_days) {
            Some(Frequency::Yearly)
        } else {
            None
        }
    }
}

/// A regular series ready for modelling.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The target column.
    pub target: String,
    /// The date column.
    pub date_column: String,
    /// The detected frequency.
    pub frequency: Frequency,
    /// First day of the grid (for weekly slots).
    pub origin_days: i64,
    /// Grid slot of each value (consecutive).
    pub slots: Vec<i64>,
    /// Timestamps (seconds since 1970) of each value.
    pub times: Vec<f64>,
    /// Values, every one finite (gaps and missing values filled).
    pub values: Vec<f64>,
    /// Which values were filled in rather than read.
    pub filled: Vec<bool>,
    /// Whether the dates carry a time of day.
    pub has_time: bool,
    /// Seasonal periods found (the first is the main one); empty when none.
    pub periods: Vec<usize>,
    /// Autocorrelation at each period tried, for the report.
    pub period_checks: Vec<(usize, f64)>,
    /// Known covariates: name and values on the history grid followed by the forecast period.
    pub covariates: Vec<(String, Vec<f64>)>,
    /// Rows after the history with dates but no target: the forecast period given by the file.
    pub future_times: Vec<f64>,
    /// What was done to the data, for people.
    pub notes: Vec<Message>,
}

impl Series {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The main seasonal period (1 when none).
    pub fn season(&self) -> usize {
        self.periods.first().copied().unwrap_or(1)
    }

    /// Timestamps of the `h` steps after the history.
    pub fn future(&self, h: usize) -> Vec<f64> {
        let last = self.slots.last().copied().unwrap_or(0);
        (1..=h as i64)
            .map(|k| self.frequency.slot_start(last + k, self.origin_days))
            .collect()
    }

    /// The first `n` values as a series of their own (for backtests and the benchmark).
    pub fn head(&self, n: usize) -> Series {
        let n = n.min(self.len());
        let mut s = self.clone();
        s.slots.truncate(n);
        s.times.truncate(n);
        s.values.truncate(n);
        s.filled.truncate(n);
        s
    }
}

/// How to read a series from a table.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SeriesOptions {
    /// The numeric target column.
    pub target: String,
    /// The date or time column.
    pub date: String,
    /// A column naming the series when the file holds several.
    pub id: Option<String>,
}

fn bad(column: &str, reason: Message) -> AutoMlError {
    AutoMlError::BadTarget {
        column: column.to_string(),
        reason,
    }
}

/// Reads one regular series from `table`: see the module comment for what is done to it.
pub fn series_from_table(table: &Table, options: &SeriesOptions) -> Result<Series> {
    let t_col = table.column_index(&options.target)?;
    let d_col = table.column_index(&options.date)?;
    if t_col == d_col {
        return Err(bad(&options.target, message!("series.same_column")));
    }
    let file = &table.file;
    let mut notes = Vec::new();
    if let Some(id) = &options.id {
        let i_col = table.column_index(id)?;
        let mut ids: Vec<&str> = table.columns[i_col].iter().collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > 1 {
            return Err(bad(
                id,
                message!(
                    "series.several_series",
                    file,
                    count = ids.len(),
                    id,
                    ids = Param::list(&ids, 3)
                ),
            ));
        }
        notes.push(message!("series.one_id", id));
    }
    let date_stats = classify(&options.date, &table.columns[d_col]);
    // a column of one repeated date is "constant" to the profile, but still dates
    let date_format = date_stats.date_format.or_else(|| {
        crate::data::cells::DateFormat::ALL.into_iter().find(|&f| {
            let mut cells = table.columns[d_col]
                .iter()
                .filter(|c| !is_missing(c))
                .peekable();
            cells.peek().is_some() && cells.all(|c| parse_date_as(c, f).is_some())
        })
    });
    let Some(format) = date_format else {
        return Err(bad(
            &options.date,
            message!("series.no_dates", column = options.date, file),
        ));
    };
    let mut target_stats = classify(&options.target, &table.columns[t_col]);
    // a constant column of numbers is still a series (its forecast is that number)
    if !target_stats.numeric
        && table.columns[t_col]
            .iter()
            .filter(|c| !is_missing(c))
            .all(|c| crate::data::cells::parse_number(c).is_some())
    {
        target_stats.numeric = true;
        target_stats.number_format = crate::data::cells::NumberFormat::Plain;
    }
    if !target_stats.numeric {
        return Err(bad(
            &options.target,
            message!("series.not_numeric", column = options.target, file),
        ));
    }
    // rows: (time, value or NaN)
    let n = table.n_rows();
    let mut rows: Vec<(f64, f64, usize)> = Vec::with_capacity(n);
    let mut has_time = false;
    let mut bad_dates = 0;
    for r in 0..n {
        let cell = table.columns[d_col].get(r);
        if is_missing(cell) {
            bad_dates += 1;
            continue;
        }
        let Some(dt) = parse_date_as(cell, format) else {
            return Err(bad(
                &options.date,
                message!(
                    "series.bad_date",
                    row = r + 2,
                    file,
                    value = cell,
                    format = format.message()
                ),
            ));
        };
        has_time |= dt.has_time;
        let v = parse_number_as(table.columns[t_col].get(r), target_stats.number_format)
            .filter(|v| v.is_finite())
            .unwrap_or(f64::NAN);
        rows.push((dt.seconds, v, r));
    }
    if bad_dates > 0 {
        notes.push(message!("series.no_date_rows", count = bad_dates));
    }
    crate::sort::sort_by(&mut rows, |a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    // the forecast period the file may already give: trailing rows with dates but no target
    let last_known = rows.iter().rposition(|r| r.1.is_finite());
    let Some(last_known) = last_known else {
        return Err(bad(
            &options.target,
            message!("series.no_numbers", column = options.target, file),
        ));
    };
    let future_rows: Vec<(f64, f64, usize)> = rows.split_off(last_known + 1);
    if !future_rows.is_empty() {
        notes.push(message!(
            "series.future_rows",
            count = future_rows.len(),
            column = options.target,
            end = format_time(rows[last_known].0, rows[last_known].0 % 86_400.0 != 0.0)
        ));
    }
    // frequency from the median step between distinct times
    let mut steps: Vec<f64> = rows
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) / 86_400.0)
        .filter(|s| *s > 0.0)
        .collect();
    if steps.len() < 3 {
        return Err(bad(&options.date, message!("series.too_few_dates", file)));
    }
    crate::sort::sort_f64(&mut steps);
    let median = steps[steps.len() / 2];
    let frequency = Frequency::from_step_days(median).ok_or_else(|| {
        bad(
            &options.date,
            message!(
                "series.irregular",
                column = options.date,
                step = describe_days(median)
            ),
        )
    })?;
    let origin_days = (rows[0].0 / 86_400.0).floor() as i64;
    // group by slot: duplicates averaged
    let mut slots: Vec<i64> = Vec::new();
    let mut sums: Vec<(f64, usize)> = Vec::new();
    let mut duplicates = 0usize;
    let mut first_dup: Option<Message> = None;
    for &(t, v, r) in &rows {
        let s = frequency.slot(t, origin_days);
        if slots.last() == Some(&s) {
            duplicates += 1;
            if first_dup.is_none() {
                first_dup = Some(message!(
                    "series.row_date",
                    row = r + 2,
                    date = table.columns[d_col].get(r)
                ));
            }
            let last = sums.len() - 1;
            if v.is_finite() {
                sums[last].0 += v;
                sums[last].1 += 1;
            }
        } else {
            slots.push(s);
            sums.push(if v.is_finite() { (v, 1) } else { (0.0, 0) });
        }
    }
    if duplicates > 0 {
        if duplicates * 2 >= rows.len() {
            return Err(bad(
                &options.date,
                message!(
                    "series.repeated_dates",
                    duplicates,
                    rows = rows.len(),
                    file,
                    frequency = frequency.message()
                ),
            ));
        }
        if let Some(first) = first_dup {
            notes.push(message!(
                "series.duplicates_averaged",
                count = duplicates,
                first,
                frequency = frequency.message()
            ));
        }
    }
    // regular grid from the first to the last slot; gaps and missing values interpolated
    let (s0, s1) = (slots[0], *slots.last().unwrap_or(&slots[0]));
    let len = (s1 - s0 + 1) as usize;
    if len > 2_000_000 {
        return Err(bad(
            &options.date,
            message!(
                "series.too_long",
                steps = len,
                frequency = frequency.message()
            ),
        ));
    }
    let mut values = vec![f64::NAN; len];
    for (s, (sum, count)) in slots.iter().zip(&sums) {
        if *count > 0 {
            values[(s - s0) as usize] = sum / *count as f64;
        }
    }
    let gaps = len - slots.len();
    let missing = slots.len() - sums.iter().filter(|c| c.1 > 0).count();
    let filled: Vec<bool> = values.iter().map(|v| !v.is_finite()).collect();
    interpolate(&mut values);
    if gaps > 0 {
        let first = (0..len).find(|&i| slots.binary_search(&(s0 + i as i64)).is_err());
        notes.push(message!(
            "series.gaps_filled",
            count = gaps,
            frequency = frequency.message(),
            first = first
                .map(|i| format_time(frequency.slot_start(s0 + i as i64, origin_days), has_time))
                .unwrap_or_default()
        ));
    }
    if missing > 0 {
        notes.push(message!(
            "series.values_filled",
            count = missing,
            column = options.target
        ));
    }
    let slots_all: Vec<i64> = (s0..=s1).collect();
    let times: Vec<f64> = slots_all
        .iter()
        .map(|&s| frequency.slot_start(s, origin_days))
        .collect();
    let future_times: Vec<f64> = {
        let mut f: Vec<i64> = future_rows
            .iter()
            .map(|r| frequency.slot(r.0, origin_days))
            .filter(|&s| s > s1)
            .collect();
        f.dedup();
        // only a contiguous run right after the history counts as the forecast period
        let mut out = Vec::new();
        for (k, s) in f.iter().enumerate() {
            if *s != s1 + 1 + k as i64 {
                break;
            }
            out.push(frequency.slot_start(*s, origin_days));
        }
        out
    };
    // covariates: other numeric columns, used only when known for the forecast period
    let mut covariates = Vec::new();
    let mut left_out = Vec::new();
    for (c, name) in table.names.iter().enumerate() {
        if c == t_col || c == d_col || options.id.as_deref() == Some(name.as_str()) {
            continue;
        }
        let st = classify(name, &table.columns[c]);
        if !(st.numeric && matches!(st.kind, ColumnKind::Numeric | ColumnKind::Boolean)) {
            continue;
        }
        let read = |r: usize| {
            parse_number_as(table.columns[c].get(r), st.number_format)
                .filter(|v| v.is_finite())
                .unwrap_or(f64::NAN)
        };
        let known_future: Vec<f64> = future_rows
            .iter()
            .take(future_times.len())
            .map(|r| read(r.2))
            .collect();
        if future_times.is_empty() || known_future.iter().any(|v| !v.is_finite()) {
            left_out.push(name.clone());
            continue;
        }
        let mut hist = vec![f64::NAN; len];
        let mut counts = vec![0usize; len];
        for &(t, _, r) in &rows {
            let i = (frequency.slot(t, origin_days) - s0) as usize;
            let v = read(r);
            if v.is_finite() {
                hist[i] = if counts[i] == 0 { v } else { hist[i] + v };
                counts[i] += 1;
            }
        }
        for i in 0..len {
            if counts[i] > 1 {
                hist[i] /= counts[i] as f64;
            }
        }
        if hist.iter().all(|v| !v.is_finite()) {
            continue;
        }
        interpolate(&mut hist);
        hist.extend(known_future);
        covariates.push((name.clone(), hist));
    }
    if !left_out.is_empty() {
        notes.push(message!(
            "series.covariates_left_out",
            columns = Param::list(&left_out, 50),
            target = options.target
        ));
    }
    if !covariates.is_empty() {
        notes.push(message!(
            "series.covariates_used",
            rows = future_times.len(),
            columns = Param::list(covariates.iter().map(|c| &c.0), 50)
        ));
    }
    let mut series = Series {
        target: options.target.clone(),
        date_column: options.date.clone(),
        frequency,
        origin_days,
        slots: slots_all,
        times,
        values,
        filled,
        has_time,
        periods: Vec::new(),
        period_checks: Vec::new(),
        covariates,
        future_times,
        notes,
    };
    detect_periods(&mut series);
    Ok(series)
}

/// Fills non-finite values by linear interpolation between known neighbours; the ends take
/// the nearest known value. Leaves an all-missing slice unchanged.
pub fn interpolate(values: &mut [f64]) {
    let known: Vec<usize> = (0..values.len())
        .filter(|&i| values[i].is_finite())
        .collect();
    let (Some(&first), Some(&last)) = (known.first(), known.last()) else {
        return;
    };
    for i in 0..first {
        values[i] = values[first];
    }
    for i in last + 1..values.len() {
        values[i] = values[last];
    }
    for w in known.windows(2) {
        let (a, b) = (w[0], w[1]);
        for i in a + 1..b {
            let f = (i - a) as f64 / (b - a) as f64;
            values[i] = values[a] + f * (values[b] - values[a]);
        }
    }
}

fn describe_days(days: f64) -> Message {
    if days < 1.0 {
        message!("duration.minutes", minutes = days * 1440.0)
    } else {
        message!("duration.days", days)
    }
}

/// A timestamp as text: `2024-03-05` or `2024-03-05 14:00`.
pub fn format_time(seconds: f64, with_time: bool) -> String {
    let days = (seconds / 86_400.0).floor() as i64;
    let (y, m, d) = civil_from_days(days);
    if with_time {
        let secs = (seconds - days as f64 * 86_400.0).round() as i64;
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            secs / 3600,
            (secs % 3600) / 60
        )
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// Autocorrelation of `x` at `lag` after removing a least-squares line.
pub fn autocorrelation(x: &[f64], lag: usize) -> f64 {
    let n = x.len();
    if lag == 0 || lag + 2 >= n {
        return 0.0;
    }
    let tm = (n as f64 - 1.0) / 2.0;
    let mean = x.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, v) in x.iter().enumerate() {
        sxy += (i as f64 - tm) * (v - mean);
        sxx += (i as f64 - tm).powi(2);
    }
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let r: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, v)| v - mean - slope * (i as f64 - tm))
        .collect();
    let var: f64 = r.iter().map(|v| v * v).sum();
    if var <= 0.0 {
        return 0.0;
    }
    let cov: f64 = (lag..n).map(|i| r[i] * r[i - lag]).sum();
    cov / var
}

/// Finds seasonal periods: the calendar's periods for the frequency kept when the series has
/// at least two full periods and its detrended autocorrelation there is at least 0.2 and above
/// the value half a period away; for yearly data (no calendar period) the strongest
/// autocorrelation peak between 3 and a third of the length, if at least 0.2, is a cycle.
pub fn detect_periods(series: &mut Series) {
    const THRESHOLD: f64 = 0.2;
    let x = &series.values;
    let n = x.len();
    let mut periods = Vec::new();
    let mut checks = Vec::new();
    for &m in series.frequency.calendar_periods() {
        if n < 2 * m + 2 {
            continue;
        }
        let r = autocorrelation(x, m);
        let half = autocorrelation(x, (m / 2).max(1));
        checks.push((m, r));
        if r >= THRESHOLD && r > half {
            periods.push(m);
        }
    }
    if series.frequency == Frequency::Yearly || (periods.is_empty() && n >= 12) {
        let max_lag = (n / 3).min(60);
        let acf: Vec<f64> = (0..=max_lag + 1).map(|l| autocorrelation(x, l)).collect();
        let mut best: Option<(usize, f64)> = None;
        for l in 3..=max_lag {
            let peak = acf[l] > acf[l - 1] && acf[l] >= acf[l + 1] && acf[l] >= THRESHOLD;
            if peak && best.is_none_or(|b| acf[l] > b.1) {
                best = Some((l, acf[l]));
            }
        }
        if let Some((l, r)) = best {
            checks.push((l, r));
            if !periods.contains(&l) {
                periods.push(l);
            }
        }
    }
    let frequency = series.frequency.message();
    let acf = |p: usize| checks.iter().find(|c| c.0 == p).map_or(0.0, |c| c.1);
    series.notes.push(match periods.as_slice() {
        [] => message!("series.no_season", frequency),
        [period] => message!("series.season", frequency, period, acf = acf(*period)),
        _ => message!(
            "series.seasons",
            frequency,
            periods = Param::list(periods.iter().map(|p| p.to_string()), 10),
            acfs = Param::list(periods.iter().map(|&p| format!("{:.2}", acf(p))), 10)
        ),
    });
    series.periods = periods;
    series.period_checks = checks;
}
