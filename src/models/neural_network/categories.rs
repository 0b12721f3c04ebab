//! Learned embeddings of categorical columns with many levels, after RealMLP-TD (Holzmüller et
//! al. 2024, pytabkit): a column with more than 8 training levels
//! (`preprocess::EMBED_ABOVE_LEVELS`) gets a table of `levels + 1` rows of 8 numbers, row 0
//! for a level training never saw (at zero, where the weight decay keeps it), the others drawn
//! from N(0, 1) by the run's seed (as PyTorch's `nn.Embedding`). A row's embeddings follow its
//! other inputs into the network (through the per-input scales, like every input) and are
//! trained with the rest of the weights by AdamW. Every sum runs in a fixed order: members,
//! then rows, then columns, then the 8 numbers.

use super::train::normal;
use super::F;
use crate::matrix::Matrix;
use crate::preprocess::{LevelInput, LevelRead};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Numbers per level (RealMLP-TD's `embedding_size = 8`).
pub const EMBED_DIM: usize = 8;

/// Training rows a level needs for a row of its own; rarer levels share the unknown row (what
/// an unseen level gets), so that the network cannot learn single rows by their level (a
/// ticket number, a name) and the unknown row is trained on levels like the unseen ones.
pub const MIN_LEVEL_ROWS: usize = 5;

/// One categorical column's embedding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Embedding {
    /// Where its model inputs are and how a level is read from them.
    pub input: LevelInput,
    /// Its table's first weight among the network's weights: row `t`'s numbers are
    /// `at + t × EMBED_DIM ..`.
    pub at: usize,
    /// Rows of its table (row 0: unknown and rare levels).
    pub rows: usize,
    /// The row of each level (from 0, "unknown", to `levels`).
    pub map: Vec<u32>,
}

impl Embedding {
    /// Weights of its table.
    pub fn size(&self) -> usize {
        self.rows.saturating_mul(EMBED_DIM)
    }

    /// Whether its parts fit together and within `n_features` inputs.
    pub fn fits(&self, n_features: usize) -> bool {
        self.input.fits(n_features)
            && self.rows >= 1
            && self.map.len() == self.input.levels.saturating_add(1)
            && self.map.iter().all(|&t| (t as usize) < self.rows)
    }
}

/// The table row of each level of `input` given the training rows' `codes` (of this input
/// alone), and the number of rows: a level with fewer than [`MIN_LEVEL_ROWS`] rows takes the
/// unknown row 0 (counted by its own rows: levels seen on one row are not told apart by their
/// target means, which hold that row's own target); the others have a row each, but levels
/// whose inputs are the same on new rows (see [`canonical`]) share one.
pub fn table_rows(input: &LevelInput, codes: impl Iterator<Item = u32>) -> (Vec<u32>, usize) {
    let canon = canonical(input);
    let mut count = vec![0usize; canon.len()];
    for c in codes {
        if let Some(n) = count.get_mut(c as usize) {
            *n += 1;
        }
    }
    let mut row_of = vec![0u32; canon.len()];
    let mut rows = 1;
    for c in 1..canon.len() {
        if count[c] < MIN_LEVEL_ROWS {
            continue;
        }
        let first = canon[c] as usize;
        row_of[c] = if first < c && row_of[first] > 0 {
            row_of[first]
        } else {
            rows += 1;
            (rows - 1) as u32
        };
    }
    (row_of, rows)
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// For each code of `input` (from 0), the code it is read as on new rows: levels whose inputs
/// are the same there (the same frequency and target means) are one level, the first one's.
pub fn canonical(input: &LevelInput) -> Vec<u32> {
    let mut out: Vec<u32> = (0..=input.levels as u32).collect();
    if let LevelRead::Keys(keys) = &input.read {
        let mut first: BTreeMap<Vec<u64>, u32> = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            let code = i as u32 + 1;
            out[code as usize] = *first.entry(bits(k)).or_insert(code);
        }
    }
    out
}

/// The table row of every row of `x` in each embedded column (rows × columns, row-major): its
/// level read from its inputs as the pipeline wrote them (none: 0), then its row.
pub fn read_codes(embeddings: &[Embedding], x: &Matrix) -> Vec<u32> {
    // for levels read by their inputs: the inputs of each level → its row (levels with the same
    // inputs: the row one of them has)
    let maps: Vec<Option<BTreeMap<Vec<u64>, u32>>> = embeddings
        .iter()
        .map(|e| match &e.input.read {
            LevelRead::OneHot => None,
            LevelRead::Keys(keys) => {
                let mut m: BTreeMap<Vec<u64>, u32> = BTreeMap::new();
                for (i, k) in keys.iter().enumerate() {
                    let row = e.map.get(i + 1).copied().unwrap_or(0);
                    let slot = m.entry(bits(k)).or_insert(row);
                    if *slot == 0 {
                        *slot = row;
                    }
                }
                Some(m)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(x.rows * embeddings.len());
    for r in 0..x.rows {
        let row = x.row(r);
        for (e, map) in embeddings.iter().zip(&maps) {
            let cells = &row[e.input.offset..e.input.offset + e.input.width];
            out.push(match map {
                None => cells
                    .iter()
                    .position(|&v| v == 1.0)
                    .and_then(|p| e.map.get(p + 1).copied())
                    .unwrap_or(0),
                Some(m) => m.get(&bits(cells)).copied().unwrap_or(0),
            });
        }
    }
    out
}

/// Draws the tables' weights (from their own generator, so that a network's other draws are
/// those of the same network without embeddings).
pub fn init(p: &mut [F], embeddings: &[Embedding], seed: u64) {
    let mut rng = Rng::new(seed ^ 0x0E3B_ED00_CA7E_6051);
    for e in embeddings {
        for w in &mut p[e.at + EMBED_DIM..e.at + e.size()] {
            *w = normal(&mut rng) as F;
        }
    }
}

/// Writes each row's embeddings (its levels' rows of `p`) into the last `EMBED_DIM` ×
/// columns numbers of its `d0` inputs.
pub fn fill(p: &[F], embeddings: &[Embedding], codes: &[u32], e: &mut [F], d0: usize) {
    let k = embeddings.len();
    if k == 0 || d0 == 0 {
        return;
    }
    let tail = k * EMBED_DIM;
    for (r, row) in e.chunks_mut(d0).enumerate() {
        let out = &mut row[d0 - tail..];
        for (i, emb) in embeddings.iter().enumerate() {
            let at = emb.at + codes[r * k + i] as usize * EMBED_DIM;
            out[i * EMBED_DIM..(i + 1) * EMBED_DIM].copy_from_slice(&p[at..at + EMBED_DIM]);
        }
    }
}

/// Adds to `grad` the loss's gradient of the embedding rows a batch used: `dh` is the gradient
/// at the first layer's input (members × rows × `d0`: the inputs times each member's scales
/// `scales`), so an embedding number's gradient is the sum over members of `dh` × its scale.
#[allow(clippy::too_many_arguments)]
pub fn backward(
    embeddings: &[Embedding],
    codes: &[u32],
    dh: &[F],
    scales: &[F],
    rows: usize,
    members: usize,
    d0: usize,
    grad: &mut [F],
) {
    let k = embeddings.len();
    if k == 0 {
        return;
    }
    let tail = d0 - k * EMBED_DIM;
    for m in 0..members {
        let s = &scales[m * d0..(m + 1) * d0];
        for r in 0..rows {
            let g = &dh[(m * rows + r) * d0..(m * rows + r + 1) * d0];
            for (i, emb) in embeddings.iter().enumerate() {
                let at = emb.at + codes[r * k + i] as usize * EMBED_DIM;
                let col = tail + i * EMBED_DIM;
                for (j, dst) in grad[at..at + EMBED_DIM].iter_mut().enumerate() {
                    *dst += g[col + j] * s[col + j];
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "categories_tests.rs"]
mod tests;
