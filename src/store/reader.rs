//! A blocking, streaming `Read` over an object's bytes.

use std::io;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use tokio::runtime::Runtime;

/// Chunks fetched ahead of the reader. A chunk is what the HTTP body delivers (typically 8 to
/// 64 KiB), so memory stays at a few hundred KiB per open object whatever its size.
const CHUNKS_AHEAD: usize = 16;

enum Chunk {
    Data(Bytes),
    End,
    Failed(io::Error),
}

/// Reads what a background thread pulls from object_store's byte stream. The thread keeps
/// the download going while the caller parses, and stops when this reader is dropped.
pub(crate) struct ObjectReader {
    chunks: Receiver<Chunk>,
    current: Bytes,
    finished: bool,
    url: String,
}

impl ObjectReader {
    pub(crate) fn start(
        runtime: Arc<Runtime>,
        stream: BoxStream<'static, object_store::Result<Bytes>>,
        url: String,
    ) -> io::Result<ObjectReader> {
        let (sender, chunks) = sync_channel(CHUNKS_AHEAD);
        let thread_url = url.clone();
        thread::Builder::new()
            .name("s3-read".into())
            .spawn(move || fetch(&runtime, stream, &sender, &thread_url))?;
        Ok(ObjectReader {
            chunks,
            current: Bytes::new(),
            finished: false,
            url,
        })
    }
}

fn fetch(
    runtime: &Runtime,
    mut stream: BoxStream<'static, object_store::Result<Bytes>>,
    sender: &SyncSender<Chunk>,
    url: &str,
) {
    loop {
        // Block on one chunk at a time, never while waiting for the reader: other threads
        // blocking on the same runtime (uploads, other reads) keep going meanwhile.
        let chunk = match runtime.block_on(stream.next()) {
            Some(Ok(bytes)) if bytes.is_empty() => continue,
            Some(Ok(bytes)) => Chunk::Data(bytes),
            Some(Err(error)) => Chunk::Failed(io::Error::other(format!(
                "{url}: read error: {}",
                super::error::error_chain(&error)
            ))),
            None => Chunk::End,
        };
        let last = !matches!(chunk, Chunk::Data(_));
        if sender.send(chunk).is_err() || last {
            return; // the reader was dropped, or the object is done
        }
    }
}

impl io::Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            match self.chunks.recv() {
                Ok(Chunk::Data(bytes)) => self.current = bytes,
                Ok(Chunk::End) => self.finished = true,
                Ok(Chunk::Failed(error)) => {
                    self.finished = true;
                    return Err(error);
                }
                // Without `End` the object is not known to be complete: never a silent
                // truncation.
                Err(_) => {
                    self.finished = true;
                    return Err(io::Error::other(format!(
                        "{}: read error: the download stopped unexpectedly",
                        self.url
                    )));
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}
