namespace Solidb.Cluster.Identity;

/// <summary>What went wrong with a file, as far as an operator can act on it.</summary>
public enum FileErrorKind
{
    /// <summary>Anything else; the system's own message is shown.</summary>
    Other,

    /// <summary>EROFS: the file system is mounted read-only.</summary>
    ReadOnlyFileSystem,

    /// <summary>ENOSPC: the device is full.</summary>
    NoSpace,

    /// <summary>EDQUOT: the user's disk quota is used up.</summary>
    QuotaExceeded,

    /// <summary>EACCES or EPERM: the node's user may not do this.</summary>
    PermissionDenied,

    /// <summary>EWOULDBLOCK (= EAGAIN) from a non-blocking lock: another process holds the lock.</summary>
    Locked,
}

/// <summary>
/// Classifies file-system exceptions by their errno. On Unix, .NET throws an <see cref="IOException"/>
/// whose <see cref="Exception.HResult"/> is the raw errno (a small positive number, e.g. 28 for
/// ENOSPC), and an <see cref="UnauthorizedAccessException"/> for EACCES, EPERM and EBADF whose inner
/// <see cref="IOException"/> carries the errno the same way. Messages are localized and not relied on.
/// On Windows the HResult is 0x8007xxxx with a Win32 error code.
/// </summary>
public static class FileErrors
{
    /// <summary>The kind of <paramref name="e"/> (or of an exception inside it) on this OS.</summary>
    public static FileErrorKind Classify(Exception e) => Classify(e, Errno.Current);

    public static FileErrorKind Classify(Exception e, Errno? table)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            var kind = x switch
            {
                UnauthorizedAccessException => FileErrorKind.PermissionDenied,
                IOException io when table is not null => table.Classify(io.HResult),
                _ => FileErrorKind.Other,
            };
            if (kind != FileErrorKind.Other)
            {
                return kind;
            }
        }

        return FileErrorKind.Other;
    }

    /// <summary>A short, lower-case cause for one line: "no space left on device", or the system's message.</summary>
    public static string Cause(Exception e) => Cause(Classify(e), e);

    public static string Cause(FileErrorKind kind, Exception e) => kind switch
    {
        FileErrorKind.ReadOnlyFileSystem => "read-only file system",
        FileErrorKind.NoSpace => "no space left on device",
        FileErrorKind.QuotaExceeded => "disk quota exceeded",
        FileErrorKind.PermissionDenied => "permission denied (check the owner and mode of the data dir and the user the node runs as)",
        FileErrorKind.Locked => "locked by another process",
        _ => OneLine(e.Message),
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>The errno values the classifier knows, per OS (they differ: EAGAIN is 11 on Linux, 35 on macOS).</summary>
public sealed record Errno(int Perm, int Again, int Access, int NoSpace, int ReadOnly, int Quota)
{
    public static Errno Linux { get; } = new(Perm: 1, Again: 11, Access: 13, NoSpace: 28, ReadOnly: 30, Quota: 122);

    /// <summary>macOS and the BSDs.</summary>
    public static Errno Darwin { get; } = new(Perm: 1, Again: 35, Access: 13, NoSpace: 28, ReadOnly: 30, Quota: 69);

    /// <summary>
    /// None on Windows, where an IOException's HResult is not an errno: there only permission
    /// errors (<see cref="UnauthorizedAccessException"/>) are classified; the rest show the system's message.
    /// </summary>
    public static Errno? Current { get; } =
        OperatingSystem.IsLinux() ? Linux : OperatingSystem.IsWindows() ? null : Darwin;

    public FileErrorKind Classify(int errno) => errno switch
    {
        <= 0 or >= 4096 => FileErrorKind.Other, // a .NET HResult (e.g. COR_E_IO = 0x80131620), not an errno
        _ when errno == ReadOnly => FileErrorKind.ReadOnlyFileSystem,
        _ when errno == NoSpace => FileErrorKind.NoSpace,
        _ when errno == Quota => FileErrorKind.QuotaExceeded,
        _ when errno == Access || errno == Perm => FileErrorKind.PermissionDenied,
        _ when errno == Again => FileErrorKind.Locked,
        _ => FileErrorKind.Other,
    };
}
