using System;
using System.IO;

namespace TensorForge.Serialization
{
    /// <summary>Replaces a file all at once: writes go to a temporary file in the same folder, and <see cref="Commit"/> flushes
    /// it to disk and renames it over the target. Disposing without committing deletes the temporary file, so a failure or a
    /// crash never leaves half a file at the target path.</summary>
    /// <example><code>
    /// using var file = new AtomicFile(path);
    /// Write(file.Stream);
    /// file.Commit();
    /// </code></example>
    public sealed class AtomicFile : IDisposable
    {
        private readonly Stream _stream;
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
                _stream = open(TemporaryPath);
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
        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_committed, this);
            if (_stream is FileStream file)
                file.Flush(flushToDisk: true);
            else
                _stream.Flush();
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
                // Disposing flushes what is buffered, which fails again on a full disk; the file is deleted below anyway.
            }
            DeleteTemporaryFile();
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
    }
}
