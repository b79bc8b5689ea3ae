using Akka.Cluster;
using Akka.Event;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Every decision of a node's supervisor, as a plain class: inputs are what the supervisor hears
/// (Akka member and reachability events, the failure detector's signals, the election's leader,
/// introductions, quarantine notices, a tick every heartbeat interval); outputs are
/// <see cref="Decision"/>s (publish a snapshot, down a member by address and uid, end this
/// incarnation for a restart, log a line). It owns the <see cref="MembershipTable"/> and the
/// self-healing rules (<see cref="DowningRule"/>, <see cref="IsolationWatch"/>,
/// <see cref="JoinWatch"/>). Time comes from the injected <see cref="TimeProvider"/>; the actor
/// (<see cref="ClusterManagerActor"/>) only translates, and the deterministic simulation drives
/// this class the same way.
/// </summary>
/// <remarks>
/// Reachability has one source of truth: the module's failure detector. Akka's own detector is
/// replaced by one that never reports a member unreachable (<see cref="NeverUnreachable"/>), so a
/// member is unreachable in Akka's gossip only when some node's Akka.Remote quarantined it, which
/// no heartbeat can undo: the leader downs such a member (<see cref="AkkaUnreachable"/>).
/// </remarks>
public sealed class NodeCoordinator
{
    private readonly NodeId _self;
    private readonly ElectionSettings _settings;
    private readonly NodeCounters _counters;
    private readonly MembershipTable _table;
    private readonly IsolationWatch _isolation;
    private readonly JoinWatch _join;
    private readonly HashSet<long> _downLogged = [];
    private readonly Dictionary<long, NodeId> _akkaUnreachable = [];
    private readonly Dictionary<long, (ObservedMember Member, long Since)> _downed = [];
    private readonly TimeProvider _time;
    private readonly ClockWatch _clock;
    private readonly int _configuredNodes;
    private readonly int _monitoredPeers;
    private List<Decision> _out = [];
    private long _published;
    private NodeId? _leaderLogged;

    /// <param name="configuredNodes">How many nodes the peer list names (this one included): the voters before a cluster exists.</param>
    /// <param name="monitoredPeers">solidb.health.monitored-peers: how many peers this node measures clocks with (besides a leader's voters).</param>
    public NodeCoordinator(NodeId self, TimeProvider time, ElectionSettings settings, bool rejoinOnly, NodeCounters counters,
        ClockSettings? clock = null, int configuredNodes = 1, int monitoredPeers = 5)
    {
        _monitoredPeers = monitoredPeers;
        _clock = new ClockWatch(time, clock ?? new ClockSettings(), ClockSync.SettledAtStart(configuredNodes));
        _configuredNodes = configuredNodes;
        _self = self;
        _time = time;
        _settings = settings;
        _counters = counters;
        _table = new MembershipTable(self);
        _isolation = new IsolationWatch(time, settings.RejoinAfter);
        _join = new JoinWatch(time, settings.JoinTimeout, rejoinOnly);
    }

    /// <summary>
    /// How long a member stays Down before this node quarantines it (<see cref="QuarantineMember"/>):
    /// time for a downed node that is still connected to learn it from the gossip and stop itself,
    /// rather than from a quarantine notice.
    /// </summary>
    public static readonly TimeSpan QuarantineDownedAfter = TimeSpan.FromSeconds(2);

    public MembershipSnapshot Snapshot => _table.Snapshot;

    public LeaderInfo Leader { get; private set; } = LeaderInfo.None;

    /// <summary>Set once this incarnation decided to end itself; every later input decides nothing.</summary>
    public RestartCause? Restarting { get; private set; }

    /// <summary>Akka's full member list (CurrentClusterState): a fresh view; introduces this node to the Up members.</summary>
    public IReadOnlyList<Decision> MembersReset(IReadOnlyList<ObservedMember> members)
    {
        Apply(_table.Reset(members, LeaderAddress()));
        foreach (var member in members)
        {
            TrackDowned(member);
        }

        foreach (var member in members.Where(m => m.Status == MemberStatus.Up))
        {
            _out.Add(new IntroduceTo(member.Address));
        }

        return Flush();
    }

    /// <summary>An Akka member event; a member that became Up gets this node's introduction.</summary>
    public IReadOnlyList<Decision> MemberChanged(ObservedMember member)
    {
        Apply(_table.Observe(member));
        if (member.Status == MemberStatus.Up)
        {
            _out.Add(new IntroduceTo(member.Address));
        }

        if (member.Status is MemberStatus.Removed or MemberStatus.Down)
        {
            _akkaUnreachable.Remove(member.Uid);
        }

        TrackDowned(member);

        return Flush();
    }

    /// <summary>
    /// A member introduced itself (already checked by <see cref="Inbound"/>): it sent it from
    /// <paramref name="from"/>. A first introduction from a remote member is answered: it may have
    /// been sent before that member knew this node, and the answer closes that gap.
    /// </summary>
    public IReadOnlyList<Decision> Introduced(NodeId id, long uid, string from, string httpAddress, long incarnation, bool remote)
    {
        var known = _table.Snapshot.Find(id) is { } member && member.Uid == uid && member.Incarnation == incarnation;
        Apply(_table.Introduced(id, uid, from, httpAddress, incarnation));
        if (!known && remote)
        {
            _out.Add(AnswerIntroduction.Instance);
        }

        return Flush();
    }

    /// <summary>The failure detector's verdicts.</summary>
    public IReadOnlyList<Decision> Health(IEnumerable<(NodeId NodeId, long Uid, HealthSignal Signal)> signals)
    {
        foreach (var (id, uid, signal) in signals)
        {
            Apply(_table.Health(id, uid, signal));
        }

        return Flush();
    }

    /// <summary>The election's view of the leader.</summary>
    public IReadOnlyList<Decision> LeaderChanged(LeaderInfo info)
    {
        info = info with { ClockProblem = _clock.Status.Problem }; // no fencing token from a node whose clock is off
        var changed = info != Leader;
        Leader = info;
        Apply(_table.SetLeader(LeaderAddress()));
        if (changed)
        {
            _out.Add(new PublishLeader(info));
        }

        return Flush();
    }

    /// <summary>
    /// Akka's gossip marks a member unreachable (<paramref name="unreachable"/>) or reachable again.
    /// With <see cref="NeverUnreachable"/> as Akka's detector only a quarantine does this, and a
    /// quarantined incarnation never recovers; until it is downed it blocks Akka's convergence
    /// (joins and leaves), so the leader downs it.
    /// </summary>
    public IReadOnlyList<Decision> AkkaUnreachable(ObservedMember member, bool unreachable)
    {
        if (member.NodeId != _self && unreachable)
        {
            _akkaUnreachable[member.Uid] = member.NodeId;
            _out.Add(new LogLine(LogLevel.WarningLevel, $"Akka marks {member.NodeId} at {member.Address} unreachable: some node's transport quarantined it"));
        }
        else
        {
            _akkaUnreachable.Remove(member.Uid);
        }

        DownWhatMustGo();
        return Flush();
    }

    /// <summary>
    /// A peer's Akka.Remote refuses this incarnation: the cluster removed it after downing it (a
    /// partition that has now healed). Without a quorum of its own the node rejoins at once,
    /// instead of after rejoin-after. With a quorum it stays: a quarantine alone is no reason for a
    /// healthy member to restart (Akka also quarantines after lost system messages).
    /// </summary>
    public IReadOnlyList<Decision> QuarantinedByPeer(string peer)
    {
        if (Restarting is not null)
        {
            return [];
        }

        if (Leader.HasQuorum)
        {
            _out.Add(new LogLine(LogLevel.WarningLevel, $"{peer} has quarantined this incarnation, but this node has a quorum: staying"));
        }
        else
        {
            Restart(RestartCause.Quarantined, downSelf: true,
                $"{peer} has quarantined this incarnation (the cluster removed it) and this node has no quorum: restarting as a new incarnation that rejoins the cluster");
        }

        return Flush();
    }

    /// <summary>This node's clock against the majority, as last judged (<see cref="ClockWatch"/>).</summary>
    public Clock.Sync.ClockStatus Clock => _clock.Status;

    /// <summary>
    /// Every heartbeat interval: the clock verdict from the fresh wall-clock readings, downing,
    /// quarantining downed members, and the isolation and join-timeout restarts.
    /// </summary>
    public IReadOnlyList<Decision> Tick(SelfStanding standing, IReadOnlyDictionary<string, Clock.Sync.OffsetEstimate>? clockReadings = null)
    {
        if (Restarting is null && clockReadings is not null)
        {
            var voters = Math.Max(_configuredNodes, Leader.QuorumSize);
            _out.AddRange(_clock.Evaluate(clockReadings, voters, Math.Min(voters, _monitoredPeers + 1)));
            if ((Leader.ClockProblem is null) != (_clock.Status.Problem is null))
            {
                Leader = Leader with { ClockProblem = _clock.Status.Problem };
                _out.Add(new PublishLeader(Leader));
            }
        }

        DownWhatMustGo();
        QuarantineDowned();
        if (Restarting is null && _isolation.ShouldRejoin(_table.Snapshot, Leader))
        {
            Restart(RestartCause.Isolated, downSelf: true,
                $"No quorum for {_settings.RejoinAfter.TotalSeconds}s and a majority of the voters unreachable: restarting as a new incarnation that rejoins the cluster");
        }

        if (Restarting is null && _join.Expired(standing.Welcomed, standing.Up))
        {
            Restart(RestartCause.JoinTimedOut, downSelf: standing.Welcomed, standing.Welcomed
                ? $"Welcomed into the cluster but not Up after {_settings.JoinTimeout.TotalSeconds}s (the others do not know this incarnation): restarting as a new incarnation"
                : $"Join-only for {_settings.JoinTimeout.TotalSeconds}s and no cluster let this node in: restarting as a new incarnation under the normal bootstrap rule " +
                  "(the formation vote: a majority of the configured nodes in no cluster forms one)");
        }

        if (Restarting is null && _join.LeaderUnheard(standing.Up, Leader.Leader is not null))
        {
            Restart(RestartCause.LeaderUnheard, downSelf: true,
                $"Rejoined and Up for {_settings.JoinTimeout.TotalSeconds}s but never heard a leader (a peer's link to this new incarnation looks one-way): " +
                "restarting as a new incarnation");
        }

        return Flush();
    }

    /// <summary>Any node that sees a member Down quarantines it after a grace (Down is final in Akka, whoever downed it).</summary>
    private void TrackDowned(ObservedMember member)
    {
        if (member.Status == MemberStatus.Down && member.NodeId != _self)
        {
            _downed.TryAdd(member.Uid, (member, _time.GetTimestamp()));
        }
        else if (member.Status == MemberStatus.Removed)
        {
            _downed.Remove(member.Uid);
        }
    }

    private void QuarantineDowned()
    {
        foreach (var (uid, (member, since)) in _downed.Where(d => _time.GetElapsedTime(d.Value.Since) >= QuarantineDownedAfter).ToList())
        {
            _downed.Remove(uid);
            _out.Add(new LogLine(LogLevel.InfoLevel, $"Quarantining {member.NodeId} at {member.Address} (incarnation uid {uid}): it is Down, and Akka removes it only once it is unreachable"));
            _out.Add(new QuarantineMember(member.NodeId, member.Address, uid));
        }
    }

    private void Restart(RestartCause cause, bool downSelf, string why)
    {
        Restarting = cause;
        _out.Add(new LogLine(LogLevel.WarningLevel, why));
        _out.Add(new RestartSelf(cause, downSelf));
    }

    /// <summary>
    /// The leader with a quorum downs members our detector confirmed Failed (<see cref="DowningRule"/>)
    /// and members Akka marks unreachable (quarantined). A node without that standing downs nobody.
    /// </summary>
    private void DownWhatMustGo()
    {
        if (Restarting is not null)
        {
            return;
        }

        foreach (var member in DowningRule.ToDown(_table.Snapshot, _self, Leader))
        {
            Down(member, $"confirmed Failed; this node leads term {Leader.Term} with a quorum");
        }

        if (Leader.Leader != _self || !Leader.HasQuorum)
        {
            return;
        }

        foreach (var (uid, id) in _akkaUnreachable)
        {
            if (_table.Snapshot.Find(id) is { } member && member.Uid == uid && !member.Downed)
            {
                Down(member, $"quarantined by a peer's transport, which no heartbeat undoes; this node leads term {Leader.Term} with a quorum");
            }
        }
    }

    private void Down(MemberView member, string why)
    {
        if (_downLogged.Add(member.Uid))
        {
            _out.Add(new LogLine(LogLevel.InfoLevel, $"Downing {member.NodeId} at {member.Address}: {why}"));
        }

        _out.Add(new DownMember(member.NodeId, member.Address, member.Uid));
    }

    private string? LeaderAddress() => Leader.Leader is { } id ? _table.Snapshot.Find(id)?.Address : null;

    private void Apply(TableChange change)
    {
        // The leader's address is looked up in the table: a leader that was not a member yet when
        // the election named it (a member event can trail the election) is set as soon as it is.
        if (Leader.Leader is { } leader && change.Snapshot.Leader != leader && change.Snapshot.Find(leader) is not null)
        {
            var withLeader = _table.SetLeader(LeaderAddress());
            change = new TableChange(withLeader.Snapshot, [.. change.Applied, .. withLeader.Applied], [.. change.Rejected, .. withLeader.Rejected]);
        }

        foreach (var t in change.Applied)
        {
            _out.Add(new LogLine(LogLevel.InfoLevel, $"Member {t.NodeId}: {t.From?.ToString() ?? "(new)"} -> {t.To?.ToString() ?? "(removed)"} ({t.Why})"));
        }

        foreach (var r in change.Rejected)
        {
            _counters.TransitionRejected();
            _out.Add(new LogLine(LogLevel.WarningLevel, $"Rejected an impossible transition of {r.NodeId}: {r.From} -> {r.To} ({r.Cause})"));
        }

        if (change.Snapshot.Version == _published)
        {
            return;
        }

        if (change.Snapshot.Leader != _leaderLogged)
        {
            _leaderLogged = change.Snapshot.Leader;
            _out.Add(new LogLine(LogLevel.InfoLevel, $"Leader is now {_leaderLogged?.ToString() ?? "(none)"}"));
        }

        _published = change.Snapshot.Version;
        _out.Add(new PublishMembership(change.Snapshot));
        DownWhatMustGo();
    }

    private IReadOnlyList<Decision> Flush()
    {
        var decided = _out;
        _out = [];
        return decided;
    }
}
