using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Solidb.Testing;

/// <summary>
/// What an attack must not change on disk: file name -> SHA-256 of its content, for every file in a
/// node's data dir but the lock and the clock bound (saved, through a temp file, as time goes on).
/// Another save's temp file would show up as a new file.
/// </summary>
public static class DataDirHashes
{
    public static ImmutableSortedDictionary<string, string> Of(string dir) =>
        Directory.EnumerateFiles(dir)
            .Where(f => Path.GetFileName(f) != Solidb.Cluster.Identity.DataDirectory.LockFileName
                        && !Path.GetFileName(f).StartsWith(Solidb.Cluster.Clock.ClockBoundFile.FileName, StringComparison.Ordinal))
            .ToImmutableSortedDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
