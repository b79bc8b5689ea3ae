using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Health;

/// <summary>
/// The latest verdict each observer reported about each target incarnation. Gives the set of
/// nodes that observe a target as unreachable, and, for a target this node does not monitor
/// itself, the verdict of those that do: Failed if any monitor confirmed it, Suspect if any
/// suspects it, else Alive.
/// </summary>
public sealed class ObserverReports
{
    private readonly Dictionary<NodeId, Dictionary<NodeId, Report>> _byTarget = [];

    public void Record(NodeId observer, NodeId target, long targetUid, HealthSignal signal, bool directlyReachable)
    {
        if (!_byTarget.TryGetValue(target, out var reports))
        {
            _byTarget[target] = reports = [];
        }

        reports[observer] = new Report(targetUid, signal, directlyReachable);
    }

    /// <summary>Forgets observers and targets that are no longer members, and old incarnations.</summary>
    public void Retain(IReadOnlyDictionary<NodeId, long> currentUids)
    {
        foreach (var target in _byTarget.Keys.ToList())
        {
            if (!currentUids.TryGetValue(target, out var uid))
            {
                _byTarget.Remove(target);
                continue;
            }

            var reports = _byTarget[target];
            foreach (var observer in reports.Keys.Where(o => !currentUids.ContainsKey(o) || reports[o].Uid != uid).ToList())
            {
                reports.Remove(observer);
            }
        }
    }

    public IReadOnlyList<NodeId> ObservedUnreachableBy(NodeId target) =>
        _byTarget.TryGetValue(target, out var reports)
            ? reports.Where(r => !r.Value.DirectlyReachable).Select(r => r.Key).Order().ToList()
            : [];

    public HealthSignal? Verdict(NodeId target, long uid)
    {
        if (!_byTarget.TryGetValue(target, out var reports))
        {
            return null;
        }

        var signals = reports.Values.Where(r => r.Uid == uid).Select(r => r.Signal).ToList();
        return signals.Count == 0 ? null
            : signals.Contains(HealthSignal.Failed) ? HealthSignal.Failed
            : signals.Contains(HealthSignal.Suspect) ? HealthSignal.Suspect
            : HealthSignal.Alive;
    }

    private sealed record Report(long Uid, HealthSignal Signal, bool DirectlyReachable);
}
