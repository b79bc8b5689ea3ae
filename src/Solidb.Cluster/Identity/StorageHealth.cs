using System.Collections.Concurrent;

namespace Solidb.Cluster.Identity;

/// <summary>
/// Which data-dir files this node currently cannot persist, and why. Written by the stores when
/// a save fails or succeeds again, read by readiness (a node that cannot persist its election
/// state or clock bound is not ready). Thread-safe.
/// </summary>
public sealed class StorageHealth
{
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);

    /// <summary>One reason ("cannot persist election state to '...': no space left on device"), or null when every save succeeds.</summary>
    public string? Problem => _failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value).FirstOrDefault();

    /// <summary>Records that saving <paramref name="file"/> failed; true when it had not been failing with this reason.</summary>
    public bool Failed(string file, string reason)
    {
        var changed = !_failures.TryGetValue(file, out var before) || before != reason;
        _failures[file] = reason;
        return changed;
    }

    /// <summary>Records that saving <paramref name="file"/> succeeded; true when it had been failing.</summary>
    public bool Succeeded(string file) => _failures.TryRemove(file, out _);
}
