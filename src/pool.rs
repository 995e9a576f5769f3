//! Work on every core, the one way the crate runs work in parallel: a worker per core
//! on rayon's pool, each taking the next item in turn (so uneven items share out
//! evenly) and keeping its own state from one item to the next; results in item order,
//! the first error failing the whole. No I/O of its own.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let workers = rayon::current_num_threads().min(items.len());
    rayon::scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| {
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
            });
        }
    });
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
    fn the_pool_has_a_thread_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        assert_eq!(rayon::current_num_threads(), cores);
    }
}
