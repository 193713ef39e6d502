//! Writes a document made of pieces, rendering the pieces on several threads and writing them
//! in their order.
//!
//! Why: the report of a busy link is hundreds of megabytes of JSON (1.6 million rows for two
//! million frames among 5,000 stations), and when the replay ends every counting thread is idle
//! while one thread formats it: a third of the replay's time with two workers. Rendering slices
//! of the tables on every core, into a few buffers that are used again and again (fresh buffers
//! for the whole report would cost a page fault every 4 KiB), keeps that tail short.
//!
//! The output is byte for byte what writing the pieces one after the other gives.

use std::io::{self, Write};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Renders one piece of the document, appending it to the buffer.
pub type Piece<'a> = Box<dyn Fn(&mut Vec<u8>) -> io::Result<()> + Send + Sync + 'a>;

/// Pieces rendered ahead of the one being written, per rendering thread: enough that no thread
/// waits for the writer, few enough that the buffers stay warm in the cache.
const AHEAD_PER_THREAD: usize = 2;

/// Writes `pieces` to `out` in order, rendered on `threads` threads besides the caller's (none:
/// rendered and written one after the other on the caller's thread).
pub fn write_in_order<W: Write>(pieces: &[Piece<'_>], threads: usize, out: &mut W) -> io::Result<()> {
    if threads == 0 || pieces.len() < 2 {
        let mut buffer = Vec::new();
        for piece in pieces {
            buffer.clear();
            piece(&mut buffer)?;
            out.write_all(&buffer)?;
        }
        return Ok(());
    }
    let shared = Shared {
        state: Mutex::new(State {
            next: 0,
            written: 0,
            rendered: (0..pieces.len()).map(|_| None).collect(),
            spare: Vec::new(),
            stop: false,
        }),
        rendered: Condvar::new(),
        room: Condvar::new(),
        ahead: threads * AHEAD_PER_THREAD,
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| render(pieces, &shared));
        }
        let result = write_rendered(pieces.len(), &shared, out);
        // Whatever happened, let the renderers go.
        shared.lock().stop = true;
        shared.room.notify_all();
        result
    })
}

struct Shared {
    state: Mutex<State>,
    /// A piece was rendered (the writer waits on it).
    rendered: Condvar,
    /// A piece was written, or the work stopped (the renderers wait on it).
    room: Condvar,
    /// How many pieces may be rendered and not yet written.
    ahead: usize,
}

struct State {
    /// The next piece to render.
    next: usize,
    /// How many pieces are written.
    written: usize,
    /// Pieces rendered and not yet written, by number.
    rendered: Vec<Option<io::Result<Vec<u8>>>>,
    /// Buffers written out, to render into again.
    spare: Vec<Vec<u8>>,
    stop: bool,
}

impl Shared {
    /// The state; a renderer that panicked leaves nothing half-changed in it.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A rendering thread: takes the next piece while it is not too far ahead of the writer.
fn render(pieces: &[Piece<'_>], shared: &Shared) {
    let mut state = shared.lock();
    loop {
        while !state.stop && state.next < pieces.len() && state.next >= state.written + shared.ahead {
            state = shared.room.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.stop || state.next >= pieces.len() {
            return;
        }
        let at = state.next;
        state.next += 1;
        let mut buffer = state.spare.pop().unwrap_or_default();
        drop(state);
        buffer.clear();
        // A piece must not panic; if one does, the report fails with an error rather than
        // leaving the writer waiting for it.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pieces[at](&mut buffer)))
            .unwrap_or_else(|_| Err(io::Error::other("a piece of the report could not be rendered")))
            .map(|()| buffer);
        state = shared.lock();
        state.rendered[at] = Some(result);
        shared.rendered.notify_all();
    }
}

/// The caller's thread: writes each piece once it is rendered, and hands its buffer back.
fn write_rendered<W: Write>(count: usize, shared: &Shared, out: &mut W) -> io::Result<()> {
    for at in 0..count {
        let mut state = shared.lock();
        let piece = loop {
            if let Some(piece) = state.rendered[at].take() {
                break piece;
            }
            state = shared.rendered.wait(state).unwrap_or_else(PoisonError::into_inner);
        };
        drop(state);
        let buffer = piece?;
        out.write_all(&buffer)?;
        let mut state = shared.lock();
        state.written = at + 1;
        state.spare.push(buffer);
        shared.room.notify_all();
    }
    Ok(())
}

/// Threads to render a report of `rows` rows with: none for a small one (starting threads would
/// cost more than they save), else one per core, at most 8.
pub fn threads_for(rows: usize) -> usize {
    const SMALL: usize = 20_000;
    if rows < SMALL {
        return 0;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(n: usize) -> Vec<Piece<'static>> {
        (0..n)
            .map(|i| {
                Box::new(move |out: &mut Vec<u8>| {
                    // Uneven sizes, so that pieces finish out of order.
                    for _ in 0..(i * 7919) % 13 + 1 {
                        write!(out, "<{i}>")?;
                    }
                    Ok(())
                }) as Piece<'static>
            })
            .collect()
    }

    #[test]
    fn any_number_of_threads_writes_what_one_does() {
        let pieces = pieces(500);
        let mut alone = Vec::new();
        write_in_order(&pieces, 0, &mut alone).unwrap();
        assert!(alone.starts_with(b"<0><1>"));
        for threads in [1, 2, 3, 8] {
            let mut out = Vec::new();
            write_in_order(&pieces, threads, &mut out).unwrap();
            assert_eq!(out, alone, "{threads} threads");
        }
    }

    #[test]
    fn a_failing_piece_stops_the_writing_with_its_error() {
        let mut pieces = pieces(100);
        pieces[40] = Box::new(|_: &mut Vec<u8>| Err(io::Error::other("piece 40")));
        let mut out = Vec::new();
        let err = write_in_order(&pieces, 3, &mut out).unwrap_err();
        assert_eq!(err.to_string(), "piece 40");
        let mut first = Vec::new();
        write_in_order(&pieces[..40], 0, &mut first).unwrap();
        assert_eq!(out, first, "the pieces before it are written, nothing after");
    }

    /// A writer that refuses after a while.
    struct Full(usize);

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.0 < buf.len() {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            self.0 -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_ends_the_renderers_too() {
        let pieces = pieces(1000);
        let err = write_in_order(&pieces, 4, &mut Full(100)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
    }
}
