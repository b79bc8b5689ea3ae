using System.Collections.Immutable;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Health;

/// <summary>
/// The failure detector's rules, apart from its actor: which peers this node monitors (its
/// successors on the <see cref="MonitorRing"/> that are neither leaving nor downed), what each
/// evaluation of the <see cref="HealthPolicy"/> concludes (signals for the supervisor, verdicts to
/// share, suspects to probe through whom), and, for peers it does not monitor, the verdicts of
/// the members that do. Time and randomness are injected; not thread-safe (one actor owns it).
/// </summary>
public sealed class FailureDetector(NodeId self, HealthSettings settings, TimeProvider time, NodeCounters counters, Random random)
{
    private readonly HealthPolicy _policy = new(settings, time);
    private readonly ObserverReports _reports = new();
    private readonly Dictionary<NodeId, HealthSignal> _adopted = [];

    public MembershipSnapshot Membership { get; private set; } = MembershipSnapshot.Empty;

    /// <summary>Takes a new membership; the peers to monitor, and every other member (both for the heartbeat actor).</summary>
    public (IReadOnlyList<MemberView> Monitored, IReadOnlyList<MemberView> Members) Members(MembershipSnapshot snapshot)
    {
        Membership = snapshot;
        var candidates = snapshot.Members
            .Where(m => m.NodeId != self && m.State != NodeState.Leaving && !m.Downed)
            .ToDictionary(m => m.NodeId);
        var monitored = MonitorRing.Successors(self, candidates.Keys, settings.MonitoredPeers).Select(id => candidates[id]).ToList();
        _policy.Monitor(monitored.Select(m => (m.NodeId, m.Uid)));
        _reports.Retain(snapshot.Members.ToDictionary(m => m.NodeId, m => m.Uid));
        return (monitored, snapshot.Members.Where(m => m.NodeId != self).ToList());
    }

    public void HeardDirectly(NodeId peer, long uid, TimeSpan? roundTrip) => _policy.HeardDirectly(peer, uid, roundTrip);

    public void HeardIndirectly(NodeId peer, long uid) => _policy.HeardIndirectly(peer, uid);

    /// <summary>Another member's verdict on <paramref name="target"/> (the sender already checked; a target that is no member is not kept by the caller).</summary>
    public void Reported(NodeId observer, NodeId target, long targetUid, HealthSignal signal, bool directlyReachable) =>
        _reports.Record(observer, target, targetUid, signal, directlyReachable);

    /// <summary>One heartbeat interval: the policy's verdicts, counted, and what to tell whom.</summary>
    public DetectorTick Evaluate()
    {
        var tick = _policy.Evaluate();
        foreach (var id in _policy.Monitored)
        {
            for (var i = _policy.NewMisses(id); i > 0; i--)
            {
                counters.MissedHeartbeat();
            }
        }

        var signals = ImmutableArray.CreateBuilder<(NodeId, long, HealthSignal)>();
        foreach (var change in tick.Changes)
        {
            Count(change.Signal, change.Peer);
            signals.Add((change.Peer, change.Uid, change.Signal));
        }

        var verdicts = tick.Changes.Select(c => c.Peer).Union(tick.ReachabilityChanged).Distinct().Select(id => _policy.Stats(id)!).ToList();
        foreach (var v in verdicts)
        {
            _reports.Record(self, v.Peer, v.Uid, v.Signal, v.DirectlyReachable);
        }

        AdoptReportsOnUnmonitored(signals);
        var probes = tick.ProbeIndirectly.Select(Helpers).Where(p => p is { Helpers.Count: > 0 }).Select(p => p!).ToList();
        return new DetectorTick(signals.ToImmutable(), verdicts, probes, Stats());
    }

    /// <summary>The members a verdict goes to: all but this node and the Failed.</summary>
    public IEnumerable<MemberView> ShareWith => Membership.Members.Where(m => m.NodeId != self && m.State != NodeState.Failed);

    private void Count(HealthSignal signal, NodeId peer)
    {
        switch (signal)
        {
            case HealthSignal.Suspect:
                counters.SuspicionRaised();
                break;
            case HealthSignal.Failed:
                counters.FailureConfirmed();
                break;
            case HealthSignal.Alive when Membership.Find(peer)?.State == NodeState.Unknown:
                counters.SuspicionRefuted();
                break;
        }
    }

    /// <summary>Peers this node does not monitor take the verdict of the members that do.</summary>
    private void AdoptReportsOnUnmonitored(ImmutableArray<(NodeId, long, HealthSignal)>.Builder signals)
    {
        foreach (var member in Membership.Members)
        {
            if (member.NodeId == self || _policy.Monitored.Contains(member.NodeId)
                || _reports.Verdict(member.NodeId, member.Uid) is not { } verdict
                || (_adopted.TryGetValue(member.NodeId, out var last) && last == verdict))
            {
                continue;
            }

            _adopted[member.NodeId] = verdict;
            signals.Add((member.NodeId, member.Uid, verdict));
        }
    }

    /// <summary>A suspect and, chosen at random, up to indirect-probes Active members to ask whether they hear it.</summary>
    private IndirectProbe? Helpers(NodeId target) =>
        Membership.Find(target) is { } member
            ? new IndirectProbe(member, Membership.Members
                .Where(m => m.NodeId != target && m.NodeId != self && m.State == NodeState.Active)
                .OrderBy(_ => random.Next())
                .Take(settings.IndirectProbes)
                .ToList())
            : null;

    private HealthStats Stats() => new(
        _policy.AllStats().ToImmutableDictionary(p => p.Peer),
        Membership.Members.ToImmutableDictionary(m => m.NodeId, m => _reports.ObservedUnreachableBy(m.NodeId).ToImmutableArray()));
}

/// <summary>What one evaluation concluded: signals for the supervisor, this node's verdicts to share, indirect probes, and the stats.</summary>
public sealed record DetectorTick(
    ImmutableArray<(NodeId Peer, long Uid, HealthSignal Signal)> Signals, IReadOnlyList<PeerHealth> Verdicts, IReadOnlyList<IndirectProbe> Probes, HealthStats Stats);

/// <summary>A suspect to probe through the helpers.</summary>
public sealed record IndirectProbe(MemberView Target, IReadOnlyList<MemberView> Helpers);
