//! Sorting, compiled once. Each `slice::sort_by` call with its own closure compiles the whole
//! stable sort (driftsort, with its merges and small-sorts) again: thirty call sites made a
//! ninth of the page's wasm. These helpers sort through one compiled instance: indices by a
//! comparator behind `&dyn`, then the slice put in that order; floats by `total_cmp`.
//!
//! A stable sort's result is fully determined by its comparator (equal elements keep their
//! order), so these give exactly what `sort_by` with the same comparator gives: the engine's
//! results do not change (`tests/conformance.rs` checks the fits' hashes).

use std::cmp::Ordering;

/// The stable order of `n` items under `compare` (of their indices): one compiled sort for
/// every caller.
#[inline(never)]
pub fn order(n: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| compare(a, b));
    idx
}

/// Sorts `v` stably by `compare`, like `v.sort_by(compare)`.
pub fn sort_by<T>(v: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = order(v.len(), &|a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// Sorts `v` stably by `key`, like `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts numbers by `f64::total_cmp`, like `v.sort_by(f64::total_cmp)`.
#[inline(never)]
pub fn sort_f64(v: &mut [f64]) {
    v.sort_by(f64::total_cmp);
}

/// Puts `v` in `order` (`v[i]` becomes the old `v[order[i]]`), following the permutation's
/// cycles with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut current = start;
        // order[current] == current marks a place already filled
        while order[current] != start {
            let next = order[current];
            v.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn the_same_order_as_the_standard_stable_sort() {
        let mut rng = Rng::new(7);
        for n in [0usize, 1, 2, 3, 10, 33, 500] {
            let items: Vec<(u32, usize)> =
                (0..n).map(|i| ((rng.next_u64() % 5) as u32, i)).collect();
            let mut expected = items.clone();
            expected.sort_by(|a, b| b.0.cmp(&a.0));
            let mut got = items.clone();
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            assert_eq!(got, expected, "n = {n}");
            let mut by_key = items.clone();
            sort_by_key(&mut by_key, |a| a.0);
            let mut expected_key = items;
            expected_key.sort_by_key(|a| a.0);
            assert_eq!(by_key, expected_key);
        }
        let mut xs = vec![3.0, -0.0, 0.0, f64::NAN, -1.5, 2.0];
        let mut expected = xs.clone();
        expected.sort_by(f64::total_cmp);
        sort_f64(&mut xs);
        assert_eq!(
            xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            expected.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }
}
