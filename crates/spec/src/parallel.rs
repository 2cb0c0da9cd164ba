//! Work on every core for independent items — files to load, objects to
//! serialize — with the results always in input order, so output never
//! depends on timing.

use rayon::prelude::*;

/// Applies `f` to every item on all available cores, keeping the order.
///
/// rayon splits the slice by work stealing and collects into one vector
/// sized once, each result written at its item's index.
pub fn map<'a, I: Sync, O: Send>(items: &'a [I], f: impl Fn(&'a I) -> O + Sync + Send) -> Vec<O> {
    items.par_iter().map(f).collect()
}

/// Like [`map`], but `f` takes each item, which is dropped as soon as it is
/// done with rather than when every item is.
pub fn map_owned<I: Send, O: Send>(items: Vec<I>, f: impl Fn(I) -> O + Sync + Send) -> Vec<O> {
    items.into_par_iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let squares = super::map(&items, |n| u64::from(*n) * u64::from(*n));
        assert!(squares.iter().enumerate().all(|(i, s)| *s == (i as u64) * (i as u64)));
        let owned = super::map_owned(items, |n| u64::from(n) * u64::from(n));
        assert_eq!(owned, squares);
    }
}
