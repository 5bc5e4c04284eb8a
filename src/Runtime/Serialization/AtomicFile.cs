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
        private readonly FileStream _stream;
        private bool _committed;

        /// <summary>Creates the temporary file <c>{path}.{random}.tmp</c> beside <paramref name="path"/>.</summary>
        public AtomicFile(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            Path = System.IO.Path.GetFullPath(path);
            TemporaryPath = Path + "." + System.IO.Path.GetRandomFileName() + ".tmp";
            _stream = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
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
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(TemporaryPath, Path, overwrite: true);
            _committed = true;
        }

        /// <summary>Closes the temporary file and, unless committed, deletes it.</summary>
        public void Dispose()
        {
            if (_committed)
                return;
            _stream.Dispose();
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
