//! Work done in parallel, results delivered in submission order, with a bounded number in flight.
//!
//! The producer submits jobs and in-band messages through an `OrderedSender`; the consumer reads
//! them back from the `OrderedReceiver` in exactly that order, each job's result waiting for the
//! jobs before it. The queue between them is bounded, so a slow consumer stops the producer.
//! The jobs run on a [`WorkerPool`].

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

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
    pool: &'pool WorkerPool,
}

pub struct OrderedReceiver<T, M> {
    steps: Receiver<Step<T, M>>,
}

/// At most `in_flight` jobs and messages wait for the consumer (plus the one it is waiting on).
pub fn ordered_channel<T, M>(
    pool: &WorkerPool,
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
        self.pool.spawn(Box::new(move || {
            // The consumer may have gone away; the result is then not needed.
            let _ = result_sender.send(work());
        }));
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

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Worker threads taking jobs from one shared queue, first come first served; a job that
/// panics ends only itself. The jobs are whole batches, so one queue is all the balancing they
/// need; and unlike a work-stealing pool, where every idle worker searches every other
/// worker's queue (so starting N workers costs N squared: 1,024 took 40 s), an idle worker here
/// just waits, and starting N costs N.
pub struct WorkerPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    fn spawn(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            // The workers outlive the sender (they end when it is dropped), so this succeeds.
            let _ = jobs.send(job);
        }
    }
}

/// Lets the workers finish the jobs already queued, then waits for them to end.
impl Drop for WorkerPool {
    fn drop(&mut self) {
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// A pool of `threads` workers (at least one).
pub fn worker_pool(threads: usize) -> io::Result<WorkerPool> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    let mut pool = WorkerPool {
        jobs: Some(sender),
        workers: Vec::with_capacity(threads.max(1)),
    };
    for index in 0..threads.max(1) {
        let receiver = Arc::clone(&receiver);
        // On failure the pool is dropped, which ends the workers started so far.
        let worker = thread::Builder::new()
            .name(format!("logschema-parse-{index}"))
            .spawn(move || run_jobs(&receiver))?;
        pool.workers.push(worker);
    }
    Ok(pool)
}

fn run_jobs(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // One idle worker waits on the queue, the others on the lock; nobody spins.
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            // A panic drops the job's result sender: the consumer sees the job as lost.
            Ok(job) => {
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
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
