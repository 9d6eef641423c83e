//! Which inputs to read and how to open them: files, directories, S3 prefixes, standard input,
//! gzip.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use super::gzip::{Members, Step, VerifiedMembers};
use super::progress::Progress;
use crate::escape;
use crate::store::{is_s3_url, S3Store, S3Url};

/// How standard input is named in messages, the summary and the rejects file.
pub const STDIN_NAME: &str = "<stdin>";

/// The gzip magic bytes: content, not the file name, decides.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

const READ_BUFFER_BYTES: usize = 256 * 1024;

/// One input as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputArg {
    Stdin,
    Path(PathBuf),
    /// `s3://bucket/prefix`: every object whose key starts with the prefix.
    S3(String),
    /// `s3://bucket/key`: exactly that object, whose size is known (`logschema worker` is told
    /// of objects one at a time by S3 event notifications).
    S3Object {
        url: String,
        size: u64,
    },
}

impl InputArg {
    /// `-` or no paths at all mean standard input.
    pub fn from_args(paths: &[PathBuf]) -> Vec<InputArg> {
        if paths.is_empty() {
            return vec![InputArg::Stdin];
        }
        paths
            .iter()
            .map(|path| {
                if path.as_os_str() == "-" {
                    InputArg::Stdin
                } else if path.to_str().is_some_and(is_s3_url) {
                    InputArg::S3(path.to_string_lossy().into_owned())
                } else {
                    InputArg::Path(path.clone())
                }
            })
            .collect()
    }
}

/// One stream to read: standard input, a single file or an S3 object.
#[derive(Debug, Clone)]
pub enum Source {
    Stdin,
    File(PathBuf),
    S3 {
        store: Arc<S3Store>,
        key: String,
        size: u64,
    },
}

impl Source {
    /// The name messages, the summary and the rejects file give it, escaped
    /// ([`crate::escape`]): a file name may hold a newline or bytes that are not UTF-8.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => STDIN_NAME.to_string(),
            Source::File(path) => escape::path(path),
            Source::S3 { store, key, .. } => escape::name(&store.url_of(key)).into_owned(),
        }
    }

    /// Opens the stream, decompressing it when it starts with the gzip magic bytes; `progress`
    /// counts the bytes read.
    pub fn open(&self, progress: &Progress) -> io::Result<Opened> {
        match self {
            Source::Stdin => open_stream(progress.counting(io::stdin())),
            Source::File(path) => {
                open_stream(progress.counting(CheckedFile::open(File::open(path)?)?))
            }
            Source::S3 { store, key, .. } => open_stream(progress.counting(store.open(key)?)),
        }
    }

    /// The size in bytes, when known before reading.
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
            Source::S3 { size, .. } => Some(*size),
        }
    }
}

/// Either a source to read, or a path that could not be listed.
#[derive(Debug)]
pub enum Expanded {
    Source(Source),
    Unreadable { name: String, message: String },
}

/// Expands one argument: a directory becomes every regular file below it, in sorted order.
pub fn expand(arg: &InputArg) -> Vec<Expanded> {
    match arg {
        InputArg::Stdin => vec![Expanded::Source(Source::Stdin)],
        InputArg::Path(path) if path.is_dir() => expand_directory(path),
        InputArg::Path(path) => vec![Expanded::Source(Source::File(path.clone()))],
        InputArg::S3(url) => expand_s3(url),
        InputArg::S3Object { url, size } => expand_s3_object(url, *size),
    }
}

/// The one object `url` names, without listing (a key may be the prefix of other keys).
fn expand_s3_object(url: &str, size: u64) -> Vec<Expanded> {
    match connect_s3(url) {
        Ok((store, key)) => vec![Expanded::Source(Source::S3 { store, key, size })],
        Err(unreadable) => unreadable,
    }
}

/// The store of `url`'s bucket and the key or prefix it names; or the input that cannot be read.
fn connect_s3(url: &str) -> Result<(Arc<S3Store>, String), Vec<Expanded>> {
    let location = S3Url::parse(url).map_err(|error| unreadable(url, error.to_string()))?;
    let store =
        S3Store::connect(&location.bucket).map_err(|error| unreadable(url, error.to_string()))?;
    Ok((Arc::new(store), location.prefix))
}

/// An input that cannot be read, named as the user wrote it.
fn unreadable(url: &str, message: String) -> Vec<Expanded> {
    vec![Expanded::Unreadable {
        name: escape::name(url).into_owned(),
        message,
    }]
}

/// Every object under the prefix, sorted by key; an empty prefix listing is an error, like a
/// missing file, so a typo in a prefix is not a silent success.
fn expand_s3(url: &str) -> Vec<Expanded> {
    let (store, prefix) = match connect_s3(url) {
        Ok(connected) => connected,
        Err(unreadable) => return unreadable,
    };
    let objects = match store.list(&prefix) {
        Ok(objects) => objects,
        Err(error) => return unreadable(url, error.to_string()),
    };
    if objects.is_empty() {
        return unreadable(url, "no objects under this prefix".to_string());
    }
    objects
        .into_iter()
        .map(|object| {
            Expanded::Source(Source::S3 {
                store: Arc::clone(&store),
                key: object.key,
                size: object.size,
            })
        })
        .collect()
}

fn expand_directory(root: &Path) -> Vec<Expanded> {
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| match entry {
            // Regular files only (of a link's target): opening a FIFO or a device found in a
            // log directory would wait for a writer, or read forever.
            Ok(entry) if entry.file_type().is_file() => {
                Some(Expanded::Source(Source::File(entry.into_path())))
            }
            Ok(_) => None,
            Err(error) => {
                let name = escape::path(error.path().unwrap_or(root));
                Some(Expanded::Unreadable {
                    name,
                    message: describe_walk_error(&error),
                })
            }
        })
        .collect()
}

fn describe_walk_error(error: &walkdir::Error) -> String {
    match (error.io_error(), error.loop_ancestor()) {
        (Some(io_error), _) => io_error.to_string(),
        // walkdir's own message names both paths unescaped.
        (None, Some(ancestor)) => format!(
            "a symbolic link loop: it points to its ancestor {}",
            escape::path(ancestor)
        ),
        (None, None) => "cannot be listed".to_string(),
    }
}

/// A file read to its end, checked against the size it had when opened: a regular file
/// truncated while being read is a read error, not a short input that looks complete.
struct CheckedFile {
    file: File,
    /// `None` for what is not a regular file (a FIFO named on the command line): no size to hold
    /// it to.
    size_at_open: Option<u64>,
    read: u64,
}

impl CheckedFile {
    fn open(file: File) -> io::Result<Self> {
        let metadata = file.metadata()?;
        Ok(CheckedFile {
            size_at_open: metadata.is_file().then_some(metadata.len()),
            file,
            read: 0,
        })
    }

    /// At the end of the file: did it end where it should?
    fn check_end(&self, size_at_open: u64) -> io::Result<()> {
        if self.read < size_at_open {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the file ended after {} of the {size_at_open} bytes it had when opened: it was truncated while being read",
                    self.read
                ),
            ));
        }
        let size_now = self.file.metadata()?.len();
        if size_now < self.read {
            return Err(io::Error::other(format!(
                "the file shrank to {size_now} bytes while being read ({} bytes read): it was truncated while being read",
                self.read
            )));
        }
        Ok(())
    }
}

impl Read for CheckedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let count = self.file.read(buf)?;
        self.read += count as u64;
        if let (0, false, Some(size_at_open)) = (count, buf.is_empty(), self.size_at_open) {
            self.check_end(size_at_open)?;
        }
        Ok(count)
    }
}

/// An input ready to read.
pub struct Opened {
    /// The text: decompressed when `gzip`.
    pub stream: Box<dyn BufRead + Send>,
    /// The input is gzip, so read errors are usually a truncated or corrupt file.
    pub gzip: bool,
    /// For gzip: the members verified so far, counted as the stream's reader passes their ends.
    pub verified_members: Option<VerifiedMembers>,
}

/// Wraps a raw stream in a buffer, and in a multi-member gzip decoder when it is gzip.
pub fn open_stream<R: Read + Send + 'static>(mut raw: R) -> io::Result<Opened> {
    // Read the first bytes ourselves (a pipe may deliver one byte at a time), then put them back
    // in front of the rest of the stream.
    let mut magic = [0u8; GZIP_MAGIC.len()];
    let filled = read_up_to(&mut raw, &mut magic)?;
    let is_gzip = magic[..filled] == GZIP_MAGIC;
    let stream = io::Cursor::new(magic[..filled].to_vec()).chain(raw);
    let verified_members = is_gzip.then(VerifiedMembers::default);
    let stream: Box<dyn BufRead + Send> = match &verified_members {
        Some(verified) => {
            let members = Members::new(BufReader::with_capacity(READ_BUFFER_BYTES, stream));
            Box::new(InflateThread::spawn(members, verified.clone()))
        }
        None => Box::new(BufReader::with_capacity(READ_BUFFER_BYTES, stream)),
    };
    Ok(Opened {
        stream,
        gzip: is_gzip,
        verified_members,
    })
}

/// Decompressed chunks queued ahead of the reader: bounds the memory the inflate thread uses.
const INFLATE_CHUNKS_AHEAD: usize = 4;

/// Runs a (decompressing) reader on its own thread, so inflating overlaps the line splitting and
/// framing of the reader thread. The bytes, and an error after them, arrive exactly as the inner
/// reader gave them. It is itself the buffer the lines are read from (no second copy), and spent
/// chunks go back to the thread to be filled again (no fresh, zeroed allocation per chunk).
/// A chunk never spans two members: each member's end follows its last chunk, and counts in
/// `verified` once the reader has consumed that chunk.
struct InflateThread {
    chunks: Receiver<io::Result<Inflated>>,
    spent: SyncSender<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
    verified: VerifiedMembers,
}

enum Inflated {
    Bytes(Vec<u8>),
    MemberVerified,
}

impl InflateThread {
    fn spawn<R: BufRead + Send + 'static>(
        mut inner: Members<R>,
        verified: VerifiedMembers,
    ) -> Self {
        let (sender, chunks) = sync_channel(INFLATE_CHUNKS_AHEAD);
        let (spent, returned) = sync_channel::<Vec<u8>>(INFLATE_CHUNKS_AHEAD + 2);
        // Not joined: it ends at the end of the stream, at an error, or when the receiver is
        // dropped (its next send fails).
        std::thread::spawn(move || loop {
            // Fill a chunk (the bytes before an error are kept and sent first).
            let mut chunk = returned.try_recv().unwrap_or_default();
            chunk.resize(READ_BUFFER_BYTES, 0);
            let (mut filled, mut error, mut member_end) = (0, None, false);
            while filled < chunk.len() {
                match inner.read(&mut chunk[filled..]) {
                    Ok(Step::Data(read)) => filled += read,
                    Ok(Step::MemberVerified) => {
                        member_end = true;
                        break;
                    }
                    Ok(Step::End) => break,
                    Err(failure) if failure.kind() == io::ErrorKind::Interrupted => continue,
                    Err(failure) => {
                        error = Some(failure);
                        break;
                    }
                }
            }
            chunk.truncate(filled);
            let done = !member_end && filled < READ_BUFFER_BYTES;
            if !chunk.is_empty() && sender.send(Ok(Inflated::Bytes(chunk))).is_err() {
                return;
            }
            if member_end && sender.send(Ok(Inflated::MemberVerified)).is_err() {
                return;
            }
            if let Some(error) = error {
                let _ = sender.send(Err(error));
                return;
            }
            if done {
                return;
            }
        });
        InflateThread {
            chunks,
            spent,
            chunk: Vec::new(),
            at: 0,
            verified,
        }
    }
}

impl BufRead for InflateThread {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.at == self.chunk.len() {
            match self.chunks.recv() {
                Ok(Ok(Inflated::Bytes(chunk))) => {
                    let spent = std::mem::replace(&mut self.chunk, chunk);
                    self.at = 0;
                    // The thread may have ended, or have enough spare chunks: then just free it.
                    let _ = self.spent.try_send(spent);
                }
                Ok(Ok(Inflated::MemberVerified)) => self.verified.add_one(),
                Ok(Err(error)) => return Err(error),
                // The thread is done: end of stream.
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.chunk[self.at..])
    }

    fn consume(&mut self, amount: usize) {
        self.at = (self.at + amount).min(self.chunk.len());
    }
}

impl Read for InflateThread {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = buf.len().min(available.len());
        buf[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

/// Fills `buf` unless the stream ends first; returns how many bytes were read.
fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("in-memory write");
        encoder.finish().expect("in-memory finish")
    }

    fn read_all(raw: Vec<u8>) -> Vec<u8> {
        let mut stream = open_stream(io::Cursor::new(raw)).expect("open").stream;
        let mut out = Vec::new();
        stream.read_to_end(&mut out).expect("read");
        out
    }

    /// Delivers one byte per read, like a slow pipe.
    struct Trickle(io::Cursor<Vec<u8>>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let len = buf.len().min(1);
            self.0.read(&mut buf[..len])
        }
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(read_all(b"hello\nworld".to_vec()), b"hello\nworld");
        assert_eq!(read_all(Vec::new()), b"");
        assert_eq!(read_all(vec![0x1f]), vec![0x1f]);
    }

    #[test]
    fn gzip_is_known_by_content_with_concatenated_members() {
        let mut data = gzip(b"first\n");
        data.extend(gzip(b"second\n"));
        assert_eq!(read_all(data), b"first\nsecond\n");
    }

    #[test]
    fn gzip_magic_split_across_reads_is_detected() {
        let stream = Trickle(io::Cursor::new(gzip(b"slow\n")));
        let mut out = Vec::new();
        open_stream(stream)
            .expect("open")
            .stream
            .read_to_end(&mut out)
            .expect("read");
        assert_eq!(out, b"slow\n");
    }

    #[test]
    fn corrupt_gzip_is_a_read_error_not_a_panic() {
        let mut data = gzip(b"some text that compresses\n");
        let middle = data.len() / 2;
        data.truncate(middle);
        let mut out = Vec::new();
        let mut opened = open_stream(io::Cursor::new(data)).expect("open");
        assert!(opened.gzip);
        let result = opened.stream.read_to_end(&mut out);
        assert!(result.is_err());
    }

    #[test]
    fn a_gzip_stream_cut_anywhere_is_an_error_never_silently_short() {
        let text = b"first line\nsecond line\nthird line\n".repeat(20);
        let data = gzip(&text);
        for cut in GZIP_MAGIC.len()..data.len() {
            let mut opened = open_stream(io::Cursor::new(data[..cut].to_vec())).expect("open");
            let mut out = Vec::new();
            let result = opened.stream.read_to_end(&mut out);
            assert!(
                result.is_err(),
                "cut at {cut} of {} read silently",
                data.len()
            );
            assert!(
                text.starts_with(&out),
                "cut at {cut}: only a prefix is read"
            );
        }
    }

    #[test]
    fn a_file_truncated_while_being_read_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("flow.log");
        let line = b"2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 22 6 1 40 1418530010 1418530070 ACCEPT OK\n";
        std::fs::write(&path, line.repeat(100)).expect("write");
        let truncate_to = |len: u64| {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|file| file.set_len(len))
                .expect("truncate")
        };
        // Shrunk ahead of the reader: the end comes before the size at open.
        let mut file = CheckedFile::open(File::open(&path).expect("open")).expect("metadata");
        let mut start = [0u8; 100];
        file.read_exact(&mut start).expect("read");
        truncate_to(1000);
        let error = file.read_to_end(&mut Vec::new()).unwrap_err().to_string();
        assert!(
            error.contains("ended after 1000 of the 8500 bytes"),
            "{error}"
        );
        // Shrunk behind the reader: fewer bytes now than were read.
        std::fs::write(&path, line.repeat(100)).expect("write");
        let mut file = CheckedFile::open(File::open(&path).expect("open")).expect("metadata");
        file.read_to_end(&mut Vec::new()).expect("read whole");
        truncate_to(10);
        let error = file.read(&mut [0u8; 16]).unwrap_err().to_string();
        assert!(error.contains("shrank to 10 bytes"), "{error}");
        // Read whole and unchanged: no error, however often the end is read.
        let mut file = CheckedFile::open(File::open(&path).expect("open")).expect("metadata");
        assert_eq!(file.read_to_end(&mut Vec::new()).expect("read"), 10);
        assert_eq!(file.read(&mut [0u8; 16]).expect("at the end"), 0);
    }

    #[cfg(unix)]
    #[test]
    fn directories_skip_fifos_and_other_special_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.log"), "x\n").expect("write");
        let fifo = dir.path().join("b.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let names: Vec<String> = expand(&InputArg::Path(dir.path().to_path_buf()))
            .into_iter()
            .map(|expanded| match expanded {
                Expanded::Source(source) => source.name(),
                Expanded::Unreadable { name, .. } => format!("!{name}"),
            })
            .collect();
        assert_eq!(names, [dir.path().join("a.log").display().to_string()]);
    }

    #[test]
    fn dash_and_nothing_mean_stdin() {
        assert_eq!(InputArg::from_args(&[]), vec![InputArg::Stdin]);
        let args = InputArg::from_args(&[PathBuf::from("-"), PathBuf::from("a.log")]);
        assert_eq!(
            args,
            vec![InputArg::Stdin, InputArg::Path(PathBuf::from("a.log"))]
        );
    }

    #[test]
    fn a_symbolic_link_loop_is_named_escaped_on_one_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("logs\nsummary: forged");
        std::fs::create_dir(&root).expect("mkdir");
        std::os::unix::fs::symlink(&root, root.join("loop")).expect("symlink");
        let messages: Vec<(String, String)> = expand(&InputArg::Path(root.clone()))
            .into_iter()
            .filter_map(|expanded| match expanded {
                Expanded::Unreadable { name, message } => Some((name, message)),
                Expanded::Source(_) => None,
            })
            .collect();
        let shown = format!("{}/logs\\nsummary: forged", dir.path().display());
        assert_eq!(
            messages,
            [(
                format!("{shown}/loop"),
                format!("a symbolic link loop: it points to its ancestor {shown}")
            )]
        );
    }

    #[test]
    fn directories_expand_to_sorted_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("b")).expect("mkdir");
        for name in ["c.log", "a.log", "b/z.log", "b/a.log"] {
            std::fs::write(dir.path().join(name), "x\n").expect("write");
        }
        let names: Vec<String> = expand(&InputArg::Path(dir.path().to_path_buf()))
            .into_iter()
            .map(|expanded| match expanded {
                Expanded::Source(source) => source.name(),
                Expanded::Unreadable { name, .. } => format!("!{name}"),
            })
            .collect();
        let root = dir.path().display().to_string();
        let expected: Vec<String> = ["a.log", "b/a.log", "b/z.log", "c.log"]
            .iter()
            .map(|name| format!("{root}/{name}"))
            .collect();
        assert_eq!(names, expected);
    }
}
