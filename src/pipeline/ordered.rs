//! Work done in parallel, results delivered in submission order, with a bounded number in flight.
//!
//! The producer submits jobs and in-band messages through an `OrderedSender`; the consumer reads
//! them back from the `OrderedReceiver` in exactly that order, each job's result waiting for the
//! jobs before it. The queue between them is bounded, so a slow consumer stops the producer.

use std::sync::mpsc::{self, Receiver, SyncSender};

enum Step<T, M> {
    Job(Receiver<T>),
    Message(M),
}

/// What the consumer gets, in submission order.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivered<T, M> {
    Output(T),
    Message(M),
    /// The job ended without a result (it panicked).
    Lost,
}

/// The consumer went away: stop producing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

pub struct OrderedSender<'pool, T, M> {
    steps: SyncSender<Step<T, M>>,
    pool: &'pool rayon::ThreadPool,
}

pub struct OrderedReceiver<T, M> {
    steps: Receiver<Step<T, M>>,
}

/// At most `in_flight` jobs and messages wait for the consumer (plus the one it is waiting on).
pub fn ordered_channel<T, M>(
    pool: &rayon::ThreadPool,
    in_flight: usize,
) -> (OrderedSender<'_, T, M>, OrderedReceiver<T, M>) {
    let (steps_sender, steps_receiver) = mpsc::sync_channel(in_flight.max(1));
    (
        OrderedSender {
            steps: steps_sender,
            pool,
        },
        OrderedReceiver {
            steps: steps_receiver,
        },
    )
}

impl<T: Send + 'static, M> OrderedSender<'_, T, M> {
    /// Runs `work` on the pool; blocks while too much is in flight.
    pub fn submit<F>(&self, work: F) -> Result<(), Closed>
    where
        F: FnOnce() -> T + Send + 'static,
    {
        let (result_sender, result_receiver) = mpsc::sync_channel(1);
        self.steps
            .send(Step::Job(result_receiver))
            .map_err(|_| Closed)?;
        self.pool.spawn(move || {
            // The consumer may have gone away; the result is then not needed.
            let _ = result_sender.send(work());
        });
        Ok(())
    }

    pub fn send_message(&self, message: M) -> Result<(), Closed> {
        self.steps.send(Step::Message(message)).map_err(|_| Closed)
    }
}

impl<T, M> Iterator for OrderedReceiver<T, M> {
    type Item = Delivered<T, M>;

    /// Blocks until the next item in order is ready; `None` once the sender is gone.
    fn next(&mut self) -> Option<Self::Item> {
        match self.steps.recv().ok()? {
            Step::Job(result) => Some(result.recv().map_or(Delivered::Lost, Delivered::Output)),
            Step::Message(message) => Some(Delivered::Message(message)),
        }
    }
}

/// A pool of `threads` workers whose panics end only the job that panicked.
pub fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|index| format!("logschema-parse-{index}"))
        .panic_handler(|_| {})
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn run_jobs(threads: usize, jobs: u64) -> Vec<Delivered<u64, String>> {
        let pool = worker_pool(threads).expect("pool");
        let (sender, receiver) = ordered_channel::<u64, String>(&pool, 3);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                for job in 0..jobs {
                    if job % 4 == 0 {
                        sender
                            .send_message(format!("before {job}"))
                            .expect("consumer alive");
                    }
                    sender
                        .submit(move || {
                            // Earlier jobs take longer, so they finish out of order.
                            std::thread::sleep(Duration::from_millis((jobs - job) % 5));
                            job * 10
                        })
                        .expect("consumer alive");
                }
            });
            receiver.collect()
        })
    }

    #[test]
    fn results_arrive_in_submission_order_whatever_the_thread_count() {
        let one = run_jobs(1, 20);
        let four = run_jobs(4, 20);
        assert_eq!(one, four);
        let outputs: Vec<u64> = four
            .iter()
            .filter_map(|item| match item {
                Delivered::Output(value) => Some(*value),
                _ => None,
            })
            .collect();
        assert_eq!(outputs, (0..20).map(|job| job * 10).collect::<Vec<_>>());
        assert_eq!(four[0], Delivered::Message("before 0".to_string()));
        assert_eq!(four[5], Delivered::Message("before 4".to_string()));
    }

    #[test]
    fn a_panicking_job_is_reported_lost_and_the_rest_still_arrive() {
        let pool = worker_pool(2).expect("pool");
        let (sender, receiver) = ordered_channel::<u32, ()>(&pool, 4);
        sender.submit(|| 1).expect("alive");
        sender
            .submit(|| panic!("job failed on purpose"))
            .expect("alive");
        sender.submit(|| 3).expect("alive");
        drop(sender);
        let delivered: Vec<_> = receiver.collect();
        assert_eq!(
            delivered,
            vec![Delivered::Output(1), Delivered::Lost, Delivered::Output(3)]
        );
    }

    #[test]
    fn the_producer_learns_when_the_consumer_is_gone() {
        let pool = worker_pool(1).expect("pool");
        let (sender, receiver) = ordered_channel::<u32, ()>(&pool, 1);
        drop(receiver);
        assert_eq!(sender.submit(|| 1), Err(Closed));
        assert_eq!(sender.send_message(()), Err(Closed));
    }
}
