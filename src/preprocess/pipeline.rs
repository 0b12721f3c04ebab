//! The fitted, serializable [`Pipeline`]: imputation, scaling, encodings and date parts, learned
//! on training rows and applied unchanged to any rows.

use super::*;

/// Standardization of one input: `(x - mean) / scale`, with `fill` for missing values.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scaled {
    /// Value used where missing (the training median).
    pub fill: f64,
    /// Mean after imputation.
    pub mean: f64,
    /// Standard deviation after imputation (1 when constant).
    pub scale: f64,
}

impl Scaled {
    pub(super) fn fit(values: impl Iterator<Item = f64> + Clone) -> Scaled {
        let mut present: Vec<f64> = values.clone().filter(|v| v.is_finite()).collect();
        let fill = median(&mut present);
        let filled = values.map(move |v| if v.is_finite() { v } else { fill });
        let n = filled.clone().count().max(1) as f64;
        // sums of values near f64::MAX overflow: work on values divided by the largest
        // magnitude, then scale back (the standard deviation is at most that magnitude)
        let big = filled.clone().fold(0.0, |m: f64, v| m.max(v.abs()));
        let unit = if big > 0.0 && big.is_finite() {
            big
        } else {
            1.0
        };
        let mean_u = filled.clone().map(|v| v / unit).sum::<f64>() / n;
        let var_u = filled.map(|v| (v / unit - mean_u).powi(2)).sum::<f64>() / n;
        let std = var_u.sqrt() * unit;
        Scaled {
            fill,
            mean: mean_u * unit,
            scale: if std > 1e-12 && std.is_finite() {
                std
            } else {
                1.0
            },
        }
    }

    pub(super) fn apply(&self, v: f64) -> f64 {
        let v = if v.is_finite() { v } else { self.fill };
        // divided first, so that the difference of two huge numbers cannot overflow
        (v / self.scale - self.mean / self.scale).clamp(-MAX_STANDARDIZED, MAX_STANDARDIZED)
    }
}

/// One fitted step: how one frame column becomes one or more model inputs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Step {
    /// Impute, standardize; optionally a 0/1 "was missing" input.
    Numeric {
        /// Frame column.
        column: usize,
        /// Scaling.
        scaled: Scaled,
        /// Whether a "was missing" indicator follows.
        indicator: bool,
    },
    /// Date parts, each imputed and standardized; optionally a "was missing" input.
    Date {
        /// Frame column.
        column: usize,
        /// Parts with their scaling.
        parts: Vec<(DatePart, Scaled)>,
        /// Whether a "was missing" indicator follows.
        indicator: bool,
    },
    /// One 0/1 input per kept level; missing becomes the most frequent level; unseen levels
    /// give all zeros.
    OneHot {
        /// Frame column.
        column: usize,
        /// Kept levels, by label.
        levels: Vec<String>,
        /// The level used for missing cells.
        fill: String,
    },
    /// Frequency of the level in the training rows, then its smoothed target mean(s). Missing
    /// is a level of its own (""); unseen levels get frequency 0 and the overall mean.
    Encoded {
        /// Frame column.
        column: usize,
        /// Level → (frequency, target means).
        table: BTreeMap<String, (f64, Vec<f64>)>,
        /// The overall target mean(s), for unseen levels.
        prior: Vec<f64>,
    },
}

impl Step {
    pub(super) fn column(&self) -> usize {
        match self {
            Step::Numeric { column, .. }
            | Step::Date { column, .. }
            | Step::OneHot { column, .. }
            | Step::Encoded { column, .. } => *column,
        }
    }

    /// Inputs this step writes per row.
    pub(crate) fn width(&self) -> usize {
        match self {
            Step::Numeric { indicator, .. } => 1 + usize::from(*indicator),
            Step::Date {
                parts, indicator, ..
            } => parts.len() + usize::from(*indicator),
            Step::OneHot { levels, .. } => levels.len(),
            Step::Encoded { prior, .. } => 1 + prior.len(),
        }
    }
}

/// Preprocessing learned from training rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pipeline {
    /// How the frame's columns are read (the schema new data must follow).
    pub specs: Vec<ColumnSpec>,
    /// Steps, in input order.
    pub steps: Vec<Step>,
    /// Names of the model inputs produced.
    pub feature_names: Vec<String>,
}

/// How many unseen levels a transform met, per column.
pub type Unseen = Vec<(String, usize)>;

pub(super) fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    crate::sort::sort_f64(values);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Smoothed target means per level from `positions` (indices into `rows`).
pub(super) fn target_means(
    codes: &[u32],
    rows: &[usize],
    positions: &[usize],
    target: &TargetRef,
    width: usize,
    prior: &[f64],
) -> HashMap<u32, Vec<f64>> {
    let mut sums: HashMap<u32, (Vec<f64>, f64)> = HashMap::new();
    let mut enc = vec![0.0; width];
    for &i in positions {
        write_encoded(target, i, &mut enc);
        let e = sums
            .entry(codes[rows[i]])
            .or_insert_with(|| (vec![0.0; width], 0.0));
        e.0.iter_mut().zip(&enc).for_each(|(s, v)| *s += v);
        e.1 += 1.0;
    }
    sums.into_iter()
        .map(|(code, (s, n))| {
            (
                code,
                s.iter()
                    .zip(prior)
                    .map(|(sv, p)| (sv + TARGET_SMOOTHING * p) / (n + TARGET_SMOOTHING))
                    .collect(),
            )
        })
        .collect()
}

impl Pipeline {
    /// Learns every step from `rows` of `frame` only; `target` (parallel to `rows`) enables
    /// target encoding of many-level categories.
    pub fn fit(frame: &Frame, rows: &[usize], target: Option<TargetRef<'_>>) -> Pipeline {
        Self::fit_transform(frame, rows, target, 0).0
    }

    /// Learns the steps from `rows` and returns them with the training matrix, whose
    /// target-encoded inputs are computed out of fold (each row encoded by statistics of the
    /// other folds), so a model cannot learn a row's own target through its encoding.
    pub fn fit_transform(
        frame: &Frame,
        rows: &[usize],
        target: Option<TargetRef<'_>>,
        seed: u64,
    ) -> (Pipeline, Matrix) {
        let mut steps = Vec::new();
        let mut feature_names = Vec::new();
        for (c, col) in frame.columns.iter().enumerate() {
            let name = &frame.specs[c].name;
            match col {
                FrameColumn::Numeric(values) => {
                    let scaled = Scaled::fit(rows.iter().map(|&r| values[r]));
                    let indicator = rows.iter().any(|&r| !values[r].is_finite());
                    feature_names.push(name.clone());
                    if indicator {
                        feature_names.push(format!("{name} was missing"));
                    }
                    steps.push(Step::Numeric {
                        column: c,
                        scaled,
                        indicator,
                    });
                }
                FrameColumn::Datetime { seconds, has_time } => {
                    let mut kinds = vec![
                        DatePart::Days,
                        DatePart::Year,
                        DatePart::Month,
                        DatePart::Day,
                        DatePart::Weekday,
                        DatePart::DayOfYear,
                    ];
                    if *has_time {
                        kinds.push(DatePart::Hour);
                    }
                    let parts: Vec<(DatePart, Scaled)> = kinds
                        .into_iter()
                        .map(|p| {
                            (
                                p,
                                Scaled::fit(rows.iter().map(|&r| {
                                    if seconds[r].is_finite() {
                                        p.of(seconds[r])
                                    } else {
                                        f64::NAN
                                    }
                                })),
                            )
                        })
                        .collect();
                    let indicator = rows.iter().any(|&r| !seconds[r].is_finite());
                    for (p, _) in &parts {
                        feature_names.push(format!("{name} ({})", p.name()));
                    }
                    if indicator {
                        feature_names.push(format!("{name} was missing"));
                    }
                    steps.push(Step::Date {
                        column: c,
                        parts,
                        indicator,
                    });
                }
                FrameColumn::Categorical { codes, levels } => {
                    let mut counts = vec![0usize; levels.len()];
                    for &r in rows {
                        if codes[r] != MISSING_CODE {
                            counts[codes[r] as usize] += 1;
                        }
                    }
                    let mut order: Vec<usize> =
                        (0..levels.len()).filter(|&l| counts[l] > 0).collect();
                    crate::sort::sort_by(&mut order, |&a, &b| {
                        counts[b]
                            .cmp(&counts[a])
                            .then_with(|| levels[a].cmp(&levels[b]))
                    });
                    if order.len() <= MAX_ONE_HOT_LEVELS {
                        let fill = order
                            .first()
                            .map(|&l| levels[l].clone())
                            .unwrap_or_default();
                        let kept: Vec<String> = order.iter().map(|&l| levels[l].clone()).collect();
                        for level in &kept {
                            feature_names.push(format!("{name} = {level}"));
                        }
                        steps.push(Step::OneHot {
                            column: c,
                            levels: kept,
                            fill,
                        });
                    } else {
                        let width = target.as_ref().map_or(0, encoding_width);
                        let n = rows.len().max(1) as f64;
                        let mut prior = vec![0.0; width];
                        let mut enc = vec![0.0; width];
                        if let Some(t) = &target {
                            for i in 0..rows.len() {
                                write_encoded(t, i, &mut enc);
                                prior.iter_mut().zip(&enc).for_each(|(p, v)| *p += v);
                            }
                            prior.iter_mut().for_each(|p| *p /= n);
                        }
                        let all: Vec<usize> = (0..rows.len()).collect();
                        let means = match &target {
                            Some(t) if width > 0 => {
                                target_means(codes, rows, &all, t, width, &prior)
                            }
                            _ => HashMap::new(),
                        };
                        let mut counts: HashMap<u32, usize> = HashMap::new();
                        for &r in rows {
                            *counts.entry(codes[r]).or_default() += 1;
                        }
                        let freq: HashMap<u32, f64> =
                            counts.into_iter().map(|(c, k)| (c, k as f64 / n)).collect();
                        let table = freq
                            .iter()
                            .map(|(&code, &f)| {
                                let key = if code == MISSING_CODE {
                                    String::new()
                                } else {
                                    levels[code as usize].clone()
                                };
                                (
                                    key,
                                    (
                                        f,
                                        means.get(&code).cloned().unwrap_or_else(|| prior.clone()),
                                    ),
                                )
                            })
                            .collect();
                        feature_names.push(format!("{name} (frequency)"));
                        match width {
                            0 => {}
                            1 => feature_names.push(format!("{name} (target mean)")),
                            _ => (0..width).for_each(|k| {
                                feature_names.push(format!("{name} (share of class {k})"))
                            }),
                        }
                        steps.push(Step::Encoded {
                            column: c,
                            table,
                            prior,
                        });
                    }
                }
            }
        }
        let pipeline = Pipeline {
            specs: frame.specs.clone(),
            steps,
            feature_names,
        };
        let (mut matrix, _) = pipeline.transform_report(frame, rows);
        // out-of-fold target encoding of the training rows
        if let Some(t) = &target {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            Rng::new(seed ^ 0x7A12_6E7C).shuffle(&mut order);
            let mut fold_of = vec![0usize; rows.len()];
            for (i, &p) in order.iter().enumerate() {
                fold_of[p] = i % TARGET_FOLDS;
            }
            let mut offset = 0;
            for step in &pipeline.steps {
                if let (Step::Encoded { prior, .. }, Some(FrameColumn::Categorical { codes, .. })) =
                    (step, frame.columns.get(step.column()))
                {
                    let width = prior.len();
                    if width > 0 && rows.len() >= 2 * TARGET_FOLDS {
                        for fold in 0..TARGET_FOLDS {
                            let others: Vec<usize> =
                                (0..rows.len()).filter(|&i| fold_of[i] != fold).collect();
                            let means = target_means(codes, rows, &others, t, width, prior);
                            for i in (0..rows.len()).filter(|&i| fold_of[i] == fold) {
                                let m = means.get(&codes[rows[i]]).unwrap_or(prior);
                                let start = i * matrix.cols + offset + 1;
                                matrix.data[start..start + width].copy_from_slice(m);
                            }
                        }
                    }
                }
                offset += step.width();
            }
        }
        (pipeline, matrix)
    }

    /// Number of model inputs.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// Applies the fitted steps to `rows` of `frame`.
    pub fn transform(&self, frame: &Frame, rows: &[usize]) -> Matrix {
        self.transform_report(frame, rows).0
    }

    /// Applies the fitted steps to `rows` of `frame`, counting unseen levels per column.
    pub fn transform_report(&self, frame: &Frame, rows: &[usize]) -> (Matrix, Unseen) {
        let cols = self.n_features();
        let mut data = vec![0.0; rows.len() * cols];
        let mut unseen: Unseen = Vec::new();
        let mut offset = 0;
        for step in &self.steps {
            let name = self
                .specs
                .get(step.column())
                .map_or("", |s| s.name.as_str());
            match (step, frame.columns.get(step.column())) {
                (
                    Step::Numeric {
                        scaled, indicator, ..
                    },
                    Some(FrameColumn::Numeric(values)),
                ) => {
                    for (i, &r) in rows.iter().enumerate() {
                        data[i * cols + offset] = scaled.apply(values[r]);
                        if *indicator {
                            data[i * cols + offset + 1] =
                                f64::from(u8::from(!values[r].is_finite()));
                        }
                    }
                }
                (
                    Step::Date {
                        parts, indicator, ..
                    },
                    Some(FrameColumn::Datetime { seconds, .. }),
                ) => {
                    for (i, &r) in rows.iter().enumerate() {
                        let s = seconds[r];
                        for (j, (part, scaled)) in parts.iter().enumerate() {
                            data[i * cols + offset + j] =
                                scaled.apply(if s.is_finite() { part.of(s) } else { f64::NAN });
                        }
                        if *indicator {
                            data[i * cols + offset + parts.len()] =
                                f64::from(u8::from(!s.is_finite()));
                        }
                    }
                }
                (
                    Step::OneHot { levels, fill, .. },
                    Some(FrameColumn::Categorical {
                        codes,
                        levels: frame_levels,
                    }),
                ) => {
                    let position: HashMap<&str, usize> = levels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| (l.as_str(), i))
                        .collect();
                    let fill_pos = position.get(fill.as_str()).copied();
                    let code_pos: Vec<Option<usize>> = frame_levels
                        .iter()
                        .map(|l| position.get(l.as_str()).copied())
                        .collect();
                    let mut count = 0;
                    for (i, &r) in rows.iter().enumerate() {
                        let pos = match codes[r] {
                            MISSING_CODE => fill_pos,
                            code => {
                                let p = code_pos[code as usize];
                                count += usize::from(p.is_none());
                                p
                            }
                        };
                        if let Some(p) = pos {
                            data[i * cols + offset + p] = 1.0;
                        }
                    }
                    if count > 0 {
                        unseen.push((name.to_string(), count));
                    }
                }
                (
                    Step::Encoded { table, prior, .. },
                    Some(FrameColumn::Categorical { codes, levels }),
                ) => {
                    let lookup: Vec<Option<&(f64, Vec<f64>)>> =
                        levels.iter().map(|l| table.get(l)).collect();
                    let missing = table.get("");
                    let mut count = 0;
                    for (i, &r) in rows.iter().enumerate() {
                        let entry = if codes[r] == MISSING_CODE {
                            missing
                        } else {
                            lookup[codes[r] as usize]
                        };
                        let out = &mut data[i * cols + offset..i * cols + offset + 1 + prior.len()];
                        match entry {
                            Some((f, means)) => {
                                out[0] = *f;
                                out[1..].copy_from_slice(means);
                            }
                            None => {
                                count += usize::from(codes[r] != MISSING_CODE);
                                out[0] = 0.0;
                                out[1..].copy_from_slice(prior);
                            }
                        }
                    }
                    if count > 0 {
                        unseen.push((name.to_string(), count));
                    }
                }
                // a frame column of another kind (only possible with a frame built from another
                // schema): the inputs stay zero, i.e. the training mean / no level
                _ => {}
            }
            offset += step.width();
        }
        (
            Matrix {
                rows: rows.len(),
                cols,
                data,
            },
            unseen,
        )
    }
}
