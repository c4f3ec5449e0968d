//! [`copy_bidirectional`]: a proxy's inner loop, both directions at once,
//! with half-close.
//!
//! Each direction is a `copy` (see `copy.rs`) with its own buffer, and one
//! more step: when its reader reaches end of file and the copy has flushed,
//! the writer is shut down (`poll_shutdown`: for TCP, a FIN), so the far
//! end learns that this side has finished sending while the other direction
//! goes on. That is what a half-closing client (send the request, shut
//! down writing, read the answer) needs from a proxy.
//!
//! Each poll drives both directions, a finished one answering `Done`
//! without touching its ends again, and the whole completes when both are
//! done. Both directions spend the budget once per read, so when both ends
//! always have data, the direction polled first could use up the budget of
//! every poll and starve the other. The order therefore alternates from one
//! poll to the next.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use super::copy::CopyBuffer;
use crate::io::{AsyncRead, AsyncWrite};

/// Where one direction is.
#[derive(Debug)]
enum Transfer {
    /// Copying.
    Running(CopyBuffer),
    /// The reader ended and the writer is flushed; shutting the writer down.
    ShuttingDown(u64),
    /// The writer is shut down; this many bytes went through.
    Done(u64),
}

impl Transfer {
    fn poll<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            match self {
                Transfer::Running(buf) => {
                    let copied = ready!(buf.poll_copy(cx, reader.as_mut(), writer.as_mut()))?;
                    *self = Transfer::ShuttingDown(copied);
                }
                Transfer::ShuttingDown(copied) => {
                    ready!(writer.as_mut().poll_shutdown(cx))?;
                    *self = Transfer::Done(*copied);
                }
                Transfer::Done(copied) => return Poll::Ready(Ok(*copied)),
            }
        }
    }
}

/// Copies from `a` to `b` and from `b` to `a` at the same time, until both
/// have reached end of file; returns the bytes copied `(a to b, b to a)`.
///
/// When one side reaches end of file, the copy towards the other flushes
/// and shuts down the other's writing half ([`AsyncWriteExt::shutdown`]:
/// a FIN for TCP), and stops reading that side; the opposite direction goes
/// on until its own end of file. tokio's semantics, return value included.
///
/// [`AsyncWriteExt::shutdown`]: crate::io::AsyncWriteExt::shutdown
///
/// # Errors
///
/// The first error of any read, write, flush or shutdown, at once; bytes
/// read from either side but not yet written are then lost.
///
/// # Cancel safety
///
/// Not cancel safe, like [`copy`](super::copy).
///
/// ```
/// use groundup::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// groundup::block_on(async {
///     // A client and a server, each connected to one side of a "proxy".
///     let (mut client, mut proxy_a) = io::duplex(64);
///     let (mut proxy_b, mut server) = io::duplex(64);
///     let proxy = groundup::spawn(async move {
///         io::copy_bidirectional(&mut proxy_a, &mut proxy_b).await
///     });
///
///     client.write_all(b"request").await?;
///     client.shutdown().await?; // half-close: the server sees end of file
///     let mut request = Vec::new();
///     server.read_to_end(&mut request).await?;
///     assert_eq!(request, b"request");
///
///     server.write_all(b"reply").await?;
///     drop(server);
///     let mut reply = Vec::new();
///     client.read_to_end(&mut reply).await?;
///     assert_eq!(reply, b"reply");
///
///     assert_eq!(proxy.await.unwrap()?, (7, 5));
///     std::io::Result::Ok(())
/// })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = Transfer::Running(CopyBuffer::new());
    let mut b_to_a = Transfer::Running(CopyBuffer::new());
    let mut forward_first = true;
    poll_fn(|cx| {
        let (forward, backward) = if forward_first {
            let forward = a_to_b.poll(cx, Pin::new(&mut *a), Pin::new(&mut *b))?;
            (forward, b_to_a.poll(cx, Pin::new(&mut *b), Pin::new(&mut *a))?)
        } else {
            let backward = b_to_a.poll(cx, Pin::new(&mut *b), Pin::new(&mut *a))?;
            (a_to_b.poll(cx, Pin::new(&mut *a), Pin::new(&mut *b))?, backward)
        };
        forward_first = !forward_first;
        // A direction that finished first answers `Done` again next time.
        Poll::Ready(Ok((ready!(forward), ready!(backward))))
    })
    .await
}
