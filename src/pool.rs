//! Work on every core, the one way the crate runs work in parallel: a worker thread
//! per core, each taking the next item in turn (so uneven items share out evenly) and
//! keeping its own state from one item to the next; results in item order, the first
//! error failing the whole. No I/O of its own.
//!
//! The workers are plain scoped threads, not a work-stealing pool's: an item that
//! waits on another pool (Polars decodes Parquet on its own) would let a stealing
//! worker take the next item inside the wait and hold the first until it is done,
//! which ran whole reports on one core.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workers a run has at most: one per core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `work` on every item, on every core; the results in item order, or the first error.
pub fn each<T: Sync, R: Send, E: Send>(items: &[T], work: impl Fn(&T) -> Result<R, E> + Sync) -> Result<Vec<R>, E> {
    each_with(items, || (), |(), item| work(item))
}

/// [`each`] with state of each worker's own (buffers kept from one item to the next),
/// made by `init` once per worker.
pub fn each_with<T: Sync, S, R: Send, E: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let next = AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let done: Mutex<Vec<(usize, Result<R, E>)>> = Mutex::new(Vec::with_capacity(items.len()));
    let run = || {
        let mut state = init();
        let mut mine = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(k) else { break };
            let result = work(&mut state, item);
            if result.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            mine.push((k, result));
        }
        done.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .append(&mut mine);
    };
    let threads = workers().min(items.len());
    if threads <= 1 {
        run();
    } else {
        std::thread::scope(|s| {
            // The calling thread is one of the workers.
            for _ in 1..threads {
                s.spawn(run);
            }
            run();
        });
    }
    let mut done = done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_unstable_by_key(|(k, _)| *k);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_with_per_worker_state() {
        let items: Vec<u32> = (0..1000).collect();
        // The state counts the items a worker took in its run: each item once.
        let done = each_with(
            &items,
            || 0u32,
            |taken, item| {
                *taken += 1;
                Ok::<_, ()>((*item, *taken))
            },
        )
        .unwrap();
        assert_eq!(done.iter().map(|(i, _)| *i).collect::<Vec<_>>(), items);
        assert!(done.iter().all(|(_, taken)| *taken >= 1));
        assert!(each(&[] as &[u32], |i| Ok::<_, ()>(*i)).unwrap().is_empty());
    }

    #[test]
    fn a_failing_item_fails_the_whole() {
        let items: Vec<u32> = (0..100).collect();
        let err = each(&items, |item| {
            if *item == 57 {
                Err(format!("item {item} cannot be read"))
            } else {
                Ok(*item)
            }
        })
        .unwrap_err();
        assert_eq!(err, "item 57 cannot be read");
    }

    #[test]
    fn a_run_has_a_worker_per_core_and_no_more() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        assert_eq!(workers(), cores);
        // Each worker makes its state once: as many as there are cores (or items).
        let made = AtomicUsize::new(0);
        let items: Vec<u32> = (0..64).collect();
        each_with(
            &items,
            || made.fetch_add(1, Ordering::Relaxed),
            |_, _| {
                std::thread::sleep(std::time::Duration::from_millis(1));
                Ok::<_, ()>(())
            },
        )
        .unwrap();
        assert!((1..=cores).contains(&made.load(Ordering::Relaxed)));
        let made = AtomicUsize::new(0);
        each_with(
            &items[..1],
            || made.fetch_add(1, Ordering::Relaxed),
            |_, _| Ok::<_, ()>(()),
        )
        .unwrap();
        assert_eq!(made.load(Ordering::Relaxed), 1);
    }
}
