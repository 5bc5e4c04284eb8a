using System;
using System.IO;

namespace TensorForge.Serialization
{
    /// <summary>Replaces a file all at once: writes go to a temporary file in the same folder, and <see cref="Commit"/> flushes
    /// it to disk and renames it over the target. Disposing without committing deletes the temporary file, so a failure or a
    /// crash never leaves half a file at the target path.</summary>
    /// <remarks>Every failure of the file system while writing, flushing or closing is an <see cref="IOException"/>: a disk that
    /// is full (ENOSPC) and a file-size limit or quota that stops the file from growing (EFBIG, which .NET reports as an
    /// <see cref="ArgumentOutOfRangeException"/>; then the message names <see cref="Path"/> and the original exception is the
    /// inner one).</remarks>
    /// <example><code>
    /// using var file = new AtomicFile(path);
    /// Write(file.Stream);
    /// file.Commit();
    /// </code></example>
    public sealed class AtomicFile : IDisposable
    {
        private readonly TemporaryFileStream _stream;
        private bool _committed;

        /// <summary>Creates the temporary file <c>{path}.{random}.tmp</c> beside <paramref name="path"/>.</summary>
        public AtomicFile(string path)
            : this(path, OpenTemporaryFile)
        {
        }

        internal static Stream OpenTemporaryFile(string temporaryPath) =>
            new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);

        /// <summary>Test seam: <paramref name="open"/> creates the temporary file at the path it is given and returns the stream
        /// to write (e.g. one that fails after N bytes, or throws as a read-only folder would). If it throws, the temporary file
        /// (if it was created) is deleted before the exception propagates.</summary>
        internal AtomicFile(string path, Func<string, Stream> open)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(open);
            Path = System.IO.Path.GetFullPath(path);
            TemporaryPath = Path + "." + System.IO.Path.GetRandomFileName() + ".tmp";
            try
            {
                _stream = new TemporaryFileStream(this, open(TemporaryPath));
            }
            catch
            {
                DeleteTemporaryFile();
                throw;
            }
        }

        /// <summary>The file that <see cref="Commit"/> replaces.</summary>
        public string Path { get; }

        /// <summary>The file being written.</summary>
        public string TemporaryPath { get; }

        /// <summary>Where to write the new contents.</summary>
        public Stream Stream => _stream;

        /// <summary>Flushes the written bytes to disk and moves the temporary file over <see cref="Path"/>.</summary>
        /// <exception cref="IOException">The file system refused the bytes (full disk, file-size limit) or the rename; the file at
        /// <see cref="Path"/> is unchanged.</exception>
        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_committed, this);
            _stream.FlushToDisk();
            _stream.Dispose();
            File.Move(TemporaryPath, Path, overwrite: true);
            _committed = true;
        }

        /// <summary>Closes the temporary file and, unless committed, deletes it.</summary>
        public void Dispose()
        {
            if (_committed)
                return;
            try
            {
                _stream.Dispose();
            }
            catch (IOException)
            {
                // Disposing flushes what is buffered, which fails again on a full disk or past a file-size limit; the exception
                // that stopped the write is the one the caller sees, and the file is deleted below anyway.
            }
            finally
            {
                DeleteTemporaryFile();
            }
        }

        private void DeleteTemporaryFile()
        {
            try
            {
                File.Delete(TemporaryPath);
            }
            catch (IOException)
            {
                // Best effort: the original exception (if any) matters more than a leftover temporary file.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>The temporary file's stream, with the file system's refusal to grow the file (EFBIG: a file-size limit such
        /// as <c>ulimit -f</c>, or a quota) reported as the <see cref="IOException"/> a full disk gives, naming the target.</summary>
        /// <remarks>.NET maps EFBIG to <see cref="ArgumentOutOfRangeException"/> ("Specified file length was too large for the
        /// file system"), which would escape callers that handle I/O errors. Arguments are checked here before the call, so an
        /// <see cref="ArgumentOutOfRangeException"/> from the inner stream can only come from the file system. Asynchronous
        /// writes use <see cref="Stream"/>'s defaults, which call the synchronous methods below.</remarks>
        private sealed class TemporaryFileStream(AtomicFile file, Stream inner) : Stream
        {
            private bool _disposed;

            public override bool CanRead => false;
            public override bool CanSeek => !_disposed && inner.CanSeek;
            public override bool CanWrite => !_disposed && inner.CanWrite;
            public override long Length => inner.Length;

            public override long Position
            {
                get => inner.Position;
                set
                {
                    ArgumentOutOfRangeException.ThrowIfNegative(value);
                    inner.Position = value;
                }
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                ValidateBufferArguments(buffer, offset, count);
                Write(buffer.AsSpan(offset, count));
            }

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                try
                {
                    inner.Write(buffer);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw FileTooLarge(e);
                }
            }

            public override void WriteByte(byte value)
            {
                try
                {
                    inner.WriteByte(value);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw FileTooLarge(e);
                }
            }

            public override void Flush()
            {
                try
                {
                    inner.Flush();
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw FileTooLarge(e);
                }
            }

            /// <summary>Flushes the buffer and the operating system's cache of the file (fsync) before the rename.</summary>
            public void FlushToDisk()
            {
                try
                {
                    if (inner is FileStream fileStream)
                        fileStream.Flush(flushToDisk: true);
                    else
                        inner.Flush();
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw FileTooLarge(e);
                }
            }

            public override void SetLength(long value)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(value);
                try
                {
                    inner.SetLength(value);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw FileTooLarge(e);
                }
            }

            public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (_disposed)
                    return;
                _disposed = true;
                try
                {
                    if (disposing)
                        inner.Dispose(); // flushes what is still buffered
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw FileTooLarge(e);
                }
                finally
                {
                    base.Dispose(disposing);
                }
            }

            private IOException FileTooLarge(ArgumentOutOfRangeException e) =>
                new($"Could not save '{file.Path}': the file system refused to grow the temporary file '{file.TemporaryPath}' " +
                    $"(a file-size limit such as ulimit -f, or a quota). '{file.Path}' was not changed.", e);
        }
    }
}
