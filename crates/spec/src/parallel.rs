//! Work on every core for independent items — files to load, objects to
//! serialize — with the results always in input order, so output never
//! depends on timing.

/// Applies `f` to every item on all available cores, keeping the order.
pub fn map<'a, I: Sync, O: Send>(items: &'a [I], f: impl Fn(&'a I) -> O + Sync) -> Vec<O> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if threads < 2 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<O>>()))
            .collect();
        // Sized once: growing a vector of large results by doubling copies
        // them and touches fresh pages at every step.
        let mut results = Vec::with_capacity(items.len());
        for handle in handles {
            results.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        results
    })
}
