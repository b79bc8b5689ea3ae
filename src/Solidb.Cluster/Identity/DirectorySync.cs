using System.Runtime.InteropServices;

namespace Solidb.Cluster.Identity;

/// <summary>
/// fsync of a directory, so a rename inside it survives power loss (the rename changes the
/// directory, not the file). .NET cannot open a directory as a FileStream or SafeFileHandle
/// (it refuses with UnauthorizedAccessException) and has no API for this in .NET 10, hence libc.
/// </summary>
public static class DirectorySync
{
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000; // 02000000 on every Linux architecture

    /// <summary>
    /// fsyncs <paramref name="directory"/>. Linux only: on other systems it does nothing (macOS
    /// needs F_FULLFSYNC for real durability, Windows has no directory handles for this; neither
    /// is a deployment target of the node). Throws an <see cref="IOException"/> whose HResult is
    /// the errno on failure, like .NET's own file errors, so <see cref="FileErrors"/> classifies it.
    /// </summary>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ORdOnly | OCloExec | ODirectory());
        if (fd < 0)
        {
            throw Error("open", directory);
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw Error("fsync", directory);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // O_DIRECTORY differs by architecture: 0200000 on x86, 040000 on ARM.
    private static int ODirectory() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x10000,
        Architecture.Arm64 or Architecture.Arm => 0x4000,
        _ => 0, // without it, open() still opens a directory read-only; it just does not check the type
    };

    private static IOException Error(string call, string directory)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}('{directory}') failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    // DllImport rather than LibraryImport: the source-generated stubs need unsafe code in the project.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
