//! Cross-validation folds: stratified k-fold for classes, shuffled k-fold for numbers.
//! Folds are positions into the prepared rows, fixed by the run's seed.

use crate::rng::Rng;

/// One fold: positions to train on and positions to score.
#[derive(Debug, Clone, PartialEq)]
pub struct Fold {
    /// Training positions, ascending.
    pub train: Vec<usize>,
    /// Validation positions, ascending.
    pub valid: Vec<usize>,
}

fn folds_from_assignment(assign: &[usize], k: usize) -> Vec<Fold> {
    (0..k)
        .map(|f| Fold {
            train: (0..assign.len()).filter(|&i| assign[i] != f).collect(),
            valid: (0..assign.len()).filter(|&i| assign[i] == f).collect(),
        })
        .collect()
}

/// Shuffled k-fold over `n` positions.
pub fn kfold(n: usize, k: usize, seed: u64) -> Vec<Fold> {
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(seed).shuffle(&mut order);
    let mut assign = vec![0; n];
    for (i, &pos) in order.iter().enumerate() {
        assign[pos] = i % k;
    }
    folds_from_assignment(&assign, k)
}

/// Stratified k-fold: each class's rows, shuffled, are dealt to the folds in turn, continuing
/// from where the previous class stopped, so every fold gets each class in proportion.
pub fn stratified_kfold(y: &[u32], k: usize, seed: u64) -> Vec<Fold> {
    let n_classes = y.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in y.iter().enumerate() {
        by_class[c as usize].push(i);
    }
    let mut rng = Rng::new(seed);
    let mut assign = vec![0; y.len()];
    let mut next = 0;
    for members in &mut by_class {
        rng.shuffle(members);
        for &pos in members.iter() {
            assign[pos] = next % k;
            next += 1;
        }
    }
    folds_from_assignment(&assign, k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_partitions_every_position_once() {
        let folds = kfold(23, 5, 1);
        let mut seen: Vec<usize> = folds.iter().flat_map(|f| f.valid.clone()).collect();
        seen.sort();
        assert_eq!(seen, (0..23).collect::<Vec<_>>());
        for f in &folds {
            assert_eq!(f.train.len() + f.valid.len(), 23);
            assert!(f.valid.len() == 4 || f.valid.len() == 5);
        }
        assert_eq!(folds, kfold(23, 5, 1));
        assert_ne!(folds, kfold(23, 5, 2));
    }

    #[test]
    fn stratified_keeps_class_proportions() {
        let y: Vec<u32> = (0..100).map(|i| if i < 80 { 0 } else { 1 }).collect();
        for f in stratified_kfold(&y, 5, 3) {
            let ones = f.valid.iter().filter(|&&i| y[i] == 1).count();
            assert_eq!((f.valid.len(), ones), (20, 4));
        }
    }
}
