using Solidb.Cluster.Identity;

namespace Solidb.Cluster.Clock;

/// <summary>
/// The persisted upper bound of the physical time this node's clock may have issued. A restart
/// starts its clock above the bound, so timestamps never go backwards across restarts, even if
/// the wall clock went back while the node was down.
/// </summary>
/// <remarks>
/// The bound written at time t is max(clock, wall) + 2 persist intervals + the max offset: a
/// timestamp issued before the next write (one interval later) is at most wall + 1 interval +
/// max offset (a received timestamp may be that far ahead), so it stays below the bound as long
/// as the node is not stalled for a whole interval between two writes.
/// </remarks>
public sealed class ClockBoundFile(string path)
{
    public const string FileName = "hlc-bound";

    public string Path { get; } = path;

    public static ClockBoundFile In(string dataDir) => new(System.IO.Path.Combine(dataDir, FileName));

    /// <summary>The persisted bound, or null on a first start. A corrupt file stops start-up.</summary>
    public HlcTimestamp? Load()
    {
        if (DataFiles.ReadSmall(Path)?.Trim() is not { } text)
        {
            return null;
        }

        if (!HlcTimestamp.TryParse(text, out var bound))
        {
            throw new DataDirectoryException($"corrupt clock bound file '{Path}': '{Security.Rejections.Quote(text)}' is not an HLC timestamp (delete it only if the wall clock is known to be ahead of every timestamp this node issued)");
        }

        return bound.Physical < HlcPacking.MaxPhysical
            ? bound
            : throw new DataDirectoryException($"corrupt clock bound file '{Path}': {bound} is beyond the clock's range (the year 2527)");
    }

    /// <summary>The bound to persist now for a clock at <paramref name="current"/>.</summary>
    public static HlcTimestamp BoundFor(HlcTimestamp current, DateTimeOffset wall, TimeSpan persistInterval, TimeSpan maxOffset)
    {
        var wallMs = (ulong)Math.Max(0, wall.ToUnixTimeMilliseconds());
        var margin = (ulong)(2 * persistInterval + maxOffset).TotalMilliseconds;
        return new HlcTimestamp(Math.Max(current.Physical, wallMs) + margin, 0);
    }

    /// <summary>Durable when it returns; a failure is a <see cref="DataDirectoryException"/> naming the file and the cause.</summary>
    public void Save(HlcTimestamp bound)
    {
        try
        {
            DataFiles.WriteAtomically(Path, bound.ToString() + "\n");
        }
        catch (DataDirectoryException e)
        {
            throw new DataDirectoryException($"cannot persist the clock bound to '{Path}': {e.Cause}", e.Kind, e.Cause);
        }
    }
}
