using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Identity;

/// <summary>
/// The node's data directory, locked for the life of the node. It holds the persisted node id
/// and an incarnation counter that grows by one on every start. Disposing releases the lock.
/// </summary>
public sealed class DataDirectory : IDisposable
{
    public const string LockFileName = ".lock";
    public const string NodeIdFileName = "node-id";
    public const string IncarnationFileName = "incarnation";

    private readonly FileStream _lock;

    private DataDirectory(string path, FileStream lockStream, NodeIdentity identity, bool idGenerated)
    {
        Path = path;
        _lock = lockStream;
        Identity = identity;
        IdGenerated = idGenerated;
    }

    public string Path { get; }

    public NodeIdentity Identity { get; private set; }

    /// <summary>True when this start generated the node id (first start without --node-id).</summary>
    public bool IdGenerated { get; }

    /// <summary>
    /// Opens (creating if needed) and locks the directory, then resolves the identity: the
    /// persisted id wins; a requested id must match it; without either one is generated.
    /// </summary>
    /// <param name="certificateFile">With TLS: the node certificate that named <paramref name="requested"/> (for the message when the persisted id differs).</param>
    public static DataDirectory Open(string path, NodeId? requested, string? certificateFile = null)
    {
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path);
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw DataDirectoryException.For("cannot create data dir", path, e);
        }

        var lockStream = AcquireLock(full);
        try
        {
            var (id, generated) = ResolveId(full, requested, certificateFile);
            var incarnation = NextIncarnation(full);
            return new DataDirectory(full, lockStream, new NodeIdentity(id, incarnation), generated);
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a new incarnation of the same node in this process (after the cluster downed the
    /// previous one): the persisted counter grows by one, the node id stays.
    /// </summary>
    public NodeIdentity Reincarnate()
    {
        Identity = Identity with { Incarnation = NextIncarnation(Path) };
        return Identity;
    }

    /// <summary>The full path of a file inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file so that a crash or power loss leaves either the old or the new content (<see cref="DataFiles.WriteAtomically"/>).</summary>
    public static void WriteAtomically(string file, string content) => DataFiles.WriteAtomically(file, content);

    public void Dispose() => _lock.Dispose();

    private static FileStream AcquireLock(string dir)
    {
        var lockFile = System.IO.Path.Combine(dir, LockFileName);
        if (new FileInfo(lockFile).LinkTarget is { } target)
        {
            // Opening it would truncate whatever it points to (as root: any file).
            throw new DataDirectoryException($"lock file '{lockFile}' is a symbolic link (to '{Security.Rejections.Quote(target)}'); remove it");
        }

        FileStream? stream = null;
        try
        {
            // FileShare.None takes an exclusive, non-blocking flock on Unix: a second node on this
            // directory, in this process or another, fails here (EWOULDBLOCK) until the first exits.
            stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush();
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            // Only a lock conflict means another node; a read-only or full disk, or a permission
            // problem, is reported as what it is.
            throw FileErrors.Classify(e) == FileErrorKind.Locked
                ? new DataDirectoryException($"data dir '{dir}' is locked by another running node (lock file {lockFile})", FileErrorKind.Locked)
                : DataDirectoryException.For("cannot take the data dir lock", lockFile, e);
        }
    }

    private static (NodeId Id, bool Generated) ResolveId(string dir, NodeId? requested, string? certificateFile)
    {
        var file = System.IO.Path.Combine(dir, NodeIdFileName);
        if (DataFiles.ReadSmall(file)?.Trim() is { } text)
        {
            if (!NodeId.TryParse(text, out var persisted, out var error))
            {
                throw new DataDirectoryException($"corrupt node id file '{file}': {Security.Rejections.Quote(error)}");
            }

            if (requested is { } wanted && wanted != persisted)
            {
                throw new DataDirectoryException(certificateFile is null
                    ? $"data dir '{dir}' belongs to node '{persisted}', not '{wanted}': start with --node-id {persisted} or use another --data-dir"
                    : $"data dir '{dir}' belongs to node '{persisted}', not '{wanted}' that the TLS certificate '{certificateFile}' (--tls-cert) names: " +
                      $"start it with the certificate of '{persisted}' or use another --data-dir");
            }

            return (persisted, false);
        }

        var id = requested ?? Generate();
        WriteAtomically(file, id.Value + "\n");
        return (id, requested is null);
    }

    private static long NextIncarnation(string dir)
    {
        var file = System.IO.Path.Combine(dir, IncarnationFileName);
        long previous = 0;
        if (DataFiles.ReadSmall(file)?.Trim() is { } text)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out previous))
            {
                throw new DataDirectoryException($"corrupt incarnation file '{file}': '{Security.Rejections.Quote(text)}' is not a number");
            }

            if (previous == long.MaxValue)
            {
                // A counter that grows by one per start never gets here; the file is corrupt or forged.
                throw new DataDirectoryException($"corrupt incarnation file '{file}': {previous} is the largest incarnation, there is no next one");
            }
        }

        var next = previous + 1;
        WriteAtomically(file, next.ToString(CultureInfo.InvariantCulture) + "\n");
        return next;
    }

    private static NodeId Generate() => NodeId.Parse("node-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
}

/// <summary>The node's identity for this run: its stable id and the incarnation (one per start).</summary>
public sealed record NodeIdentity(NodeId NodeId, long Incarnation);
