//! The levels of categorical columns with many levels, as a neural network's learned embeddings
//! see them: which model inputs a column became, how its level is read back from those inputs
//! (on new rows), and the level of each row a matrix was written for (the training rows, whose
//! target-mean inputs are out of fold and so do not name their level).

use super::*;

/// Categorical columns with more training levels than this get a learned embedding in a neural
/// network; fewer stay one-hot. RealMLP-TD's rule (Holzmüller et al. 2024, pytabkit's
/// `max_one_hot_cat_size = 9`, which counts the missing category): one-hot up to 8 levels.
pub const EMBED_ABOVE_LEVELS: usize = 8;

/// How a categorical column's level is read from its model inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelRead {
    /// One-hot inputs: level `c` (from 1) is the input at position `c - 1` being 1; no input
    /// at 1 (an unseen level) is level 0, "unknown".
    OneHot,
    /// A level's frequency and target means (`Step::Encoded`): level `c` (from 1) is the
    /// level whose inputs on new rows are `keys[c - 1]`; any other inputs are level 0.
    Keys(Vec<Vec<f64>>),
}

/// One categorical column with more than [`EMBED_ABOVE_LEVELS`] levels, as model inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelInput {
    /// Its first model input.
    pub offset: usize,
    /// How many model inputs it became.
    pub width: usize,
    /// Its levels in the training rows (codes 1 to `levels`; 0 is "unknown").
    pub levels: usize,
    /// How a level is read from its inputs.
    pub read: LevelRead,
}

impl LevelInput {
    /// Whether its parts fit together and within `n_features` inputs.
    pub fn fits(&self, n_features: usize) -> bool {
        let inside = self
            .offset
            .checked_add(self.width)
            .is_some_and(|end| end <= n_features);
        inside
            && self.levels > 0
            && match &self.read {
                LevelRead::OneHot => self.width == self.levels,
                LevelRead::Keys(keys) => {
                    keys.len() == self.levels && keys.iter().all(|k| k.len() == self.width)
                }
            }
    }
}

/// The categorical columns of a pipeline with many levels, and the level of each row of a
/// matrix the pipeline wrote.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Levels {
    /// The columns, in input order.
    pub inputs: Vec<LevelInput>,
    /// `codes[r * inputs.len() + i]`: the level of row `r` in column `i` (0: unknown).
    pub codes: Vec<u32>,
}

impl Levels {
    /// The levels of rows `idx` (positions in these rows), in that order.
    pub fn pick(&self, idx: &[usize]) -> Levels {
        let k = self.inputs.len();
        Levels {
            inputs: self.inputs.clone(),
            codes: idx
                .iter()
                .flat_map(|&i| self.codes[i * k..(i + 1) * k].iter().copied())
                .collect(),
        }
    }
}

impl Pipeline {
    /// The categorical columns with more than [`EMBED_ABOVE_LEVELS`] training levels, and the
    /// level of each of `rows` of `frame` in each (as [`Pipeline::transform`] reads them:
    /// a missing cell is the most frequent level of a one-hot column, its own level "" of a
    /// compact one when training had missing cells; an unseen level is 0).
    pub fn levels(&self, frame: &Frame, rows: &[usize]) -> Levels {
        let mut inputs = Vec::new();
        let mut per_column: Vec<Vec<u32>> = Vec::new();
        let mut offset = 0;
        for step in &self.steps {
            let width = step.width();
            let column = frame.columns.get(step.column());
            // the code of each of the frame's levels, and of a missing cell
            let coded = match (step, column) {
                (Step::OneHot { levels, fill, .. }, Some(FrameColumn::Categorical { .. }))
                    if levels.len() > EMBED_ABOVE_LEVELS =>
                {
                    let names: Vec<&str> = levels.iter().map(String::as_str).collect();
                    Some((names, Some(fill.as_str()), LevelRead::OneHot))
                }
                (Step::Encoded { table, .. }, Some(FrameColumn::Categorical { .. }))
                    if table.len() > EMBED_ABOVE_LEVELS =>
                {
                    // the table's order (by label; "", the missing cells, first)
                    let names: Vec<&str> = table.keys().map(String::as_str).collect();
                    let keys = table
                        .values()
                        .map(|(f, means)| {
                            std::iter::once(*f)
                                .chain(means.iter().copied())
                                .collect::<Vec<f64>>()
                        })
                        .collect();
                    Some((names, Some(""), LevelRead::Keys(keys)))
                }
                _ => None,
            };
            if let (
                Some((names, missing, read)),
                Some(FrameColumn::Categorical {
                    codes,
                    levels: frame_levels,
                }),
            ) = (coded, column)
            {
                let position: HashMap<&str, u32> = names
                    .iter()
                    .enumerate()
                    .map(|(i, &l)| (l, i as u32 + 1))
                    .collect();
                let missing_code = missing.and_then(|m| position.get(m).copied()).unwrap_or(0);
                let code_of: Vec<u32> = frame_levels
                    .iter()
                    .map(|l| position.get(l.as_str()).copied().unwrap_or(0))
                    .collect();
                per_column.push(
                    rows.iter()
                        .map(|&r| match codes[r] {
                            MISSING_CODE => missing_code,
                            c => code_of.get(c as usize).copied().unwrap_or(0),
                        })
                        .collect(),
                );
                inputs.push(LevelInput {
                    offset,
                    width,
                    levels: names.len(),
                    read,
                });
            }
            offset += width;
        }
        let codes = (0..rows.len())
            .flat_map(|r| per_column.iter().map(move |c| c[r]))
            .collect();
        Levels { inputs, codes }
    }
}
