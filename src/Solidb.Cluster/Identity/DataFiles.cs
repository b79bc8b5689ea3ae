using System.Text;

namespace Solidb.Cluster.Identity;

/// <summary>
/// Reads and writes the small files of the data dir (node id, incarnation, clock bound, vote).
/// Their content is untrusted: reads are bounded, and errors become one-line
/// <see cref="DataDirectoryException"/>s naming the file and the cause.
/// </summary>
public static class DataFiles
{
    /// <summary>No data file is longer; a longer one is corrupt (and is not read into memory).</summary>
    public const int MaxBytes = 4096;

    /// <summary>
    /// Writes <paramref name="file"/> so that a crash or power loss leaves either the old or the
    /// new content: write a temp file, fsync it, rename it over the file, fsync the directory
    /// (without the last step the rename itself may be lost on power loss).
    /// </summary>
    /// <param name="syncDirectory">The directory fsync; <see cref="DirectorySync.Flush"/> unless a test replaces it.</param>
    public static void WriteAtomically(string file, string content, Action<string>? syncDirectory = null)
    {
        var temp = file + ".tmp";
        try
        {
            // A leftover temp file (a crash mid-write) is removed first, and CreateNew (O_EXCL) never
            // follows a symbolic link: a hostile "X.tmp -> /etc/passwd" cannot make the node write there.
            File.Delete(temp);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp); // a partial temp file (e.g. the disk filled up) would only take space
            throw DataDirectoryException.For("cannot write", file, e);
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        try
        {
            (syncDirectory ?? DirectorySync.Flush)(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataDirectoryException.For($"cannot fsync the directory '{dir}' after writing", file, e);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed; that error is the one to report.
        }
    }

    /// <summary>The text of a small data file; null when it does not exist.</summary>
    public static string? ReadSmall(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new byte[MaxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }

            return length > MaxBytes
                ? throw new DataDirectoryException($"corrupt file '{file}': longer than {MaxBytes} bytes")
                : Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataDirectoryException.For("cannot read", file, e);
        }
    }
}

/// <summary>A data-directory problem the operator can fix; the message is one line.</summary>
public sealed class DataDirectoryException(string message, FileErrorKind kind = FileErrorKind.Other, string? cause = null) : Exception(message)
{
    public FileErrorKind Kind { get; } = kind;

    /// <summary>The cause alone ("no space left on device"), for messages that name the file their own way.</summary>
    public string Cause { get; } = cause ?? message;

    /// <summary>"{action} '{file}': {cause}", classified by <see cref="FileErrors"/>.</summary>
    public static DataDirectoryException For(string action, string file, Exception e)
    {
        if (e is DataDirectoryException already)
        {
            return already;
        }

        var kind = FileErrors.Classify(e);
        var cause = FileErrors.Cause(kind, e);
        return new DataDirectoryException($"{action} '{file}': {cause}", kind, cause);
    }
}
