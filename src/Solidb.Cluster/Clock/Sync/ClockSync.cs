namespace Solidb.Cluster.Clock.Sync;

/// <summary>
/// This node's clock against the cluster, as the node and its status report it.
/// <see cref="OffsetToMajorityMs"/> is positive when this node is ahead; null before any peer answered.
/// </summary>
public sealed record ClockStatus(bool InSync, double? OffsetToMajorityMs, TimeSpan MaxOffset, IReadOnlySet<string> PeersOutOfSync)
{
    /// <param name="settled">False when the clock must first be judged (3 or more configured nodes):
    /// a node is not trusted before one estimate shows it agrees with the majority.</param>
    public static ClockStatus Initial(TimeSpan maxOffset, bool settled = true) =>
        new(true, null, maxOffset, new HashSet<string>()) { Settled = settled };

    /// <summary>
    /// A majority of the voters (this node included) have agreed with this clock within the
    /// out-of-sync bound (or there are too few voters to judge). Until
    /// then the node is not ready and issues nothing: a node started with a bad clock never serves
    /// in the seconds before the hysteresis declares it out of sync.
    /// </summary>
    public bool Settled { get; init; } = true;

    /// <summary>Why readiness, timestamps and fencing tokens are refused now; null while the clock is in sync and settled.</summary>
    public string? Problem => !InSync ? Describe(OffsetToMajorityMs ?? 0, MaxOffset)
        : Settled ? null
        : OffsetToMajorityMs is { } o ? $"clock offset to the majority is {(long)Math.Round(o)} ms (max offset {MaxOffset.TotalMilliseconds:0} ms): not yet trusted"
        : "clock offset to the majority of the cluster not measured yet";

    public static string Describe(double offsetToMajorityMs, TimeSpan maxOffset) =>
        $"clock is {(long)Math.Abs(Math.Round(offsetToMajorityMs))} ms {(offsetToMajorityMs >= 0 ? "ahead of" : "behind")} the majority of the cluster " +
        $"(max offset {maxOffset.TotalMilliseconds:0} ms): fix time synchronisation on this host";

    public bool IsPeerInSync(string address) => !PeersOutOfSync.Contains(address);

    /// <summary>
    /// One reading of a peer within the out-of-sync bound (or none yet): for decisions that cannot
    /// wait for the hysteresis, such as a formation promise, where one bad reading is enough to refuse.
    /// </summary>
    public bool Agrees(OffsetEstimate? reading) =>
        reading is not { } r || Math.Abs(r.OffsetMs) <= ClockSync.OutOfSyncBoundMs(MaxOffset);
}

/// <summary>
/// Out of sync after <see cref="Consecutive"/> estimates in a row beyond one bound, back in sync
/// after as many within a tighter one; estimates between the bounds keep the current state.
/// </summary>
public sealed class SyncHysteresis(double outBeyondMs, double backWithinMs)
{
    public const int Consecutive = 3;

    private int _beyond;
    private int _within;

    public bool InSync { get; private set; } = true;

    /// <summary>Takes one estimate; true when the state changed.</summary>
    public bool Observe(double offsetMs)
    {
        var size = Math.Abs(offsetMs);
        _beyond = size > outBeyondMs ? _beyond + 1 : 0;
        _within = size <= backWithinMs ? _within + 1 : 0;
        var next = InSync ? _beyond < Consecutive : _within >= Consecutive;
        var changed = next != InSync;
        InSync = next;
        return changed;
    }
}

/// <summary>One evaluation: the new status, and whether this node's own verdict changed.</summary>
/// <param name="OnlyWarns">Fewer than <see cref="ClockSync.MinimumVoters"/> voters: no majority to judge by.</param>
/// <param name="WorstPeerOffsetMs">The largest offset to one peer (this node minus the peer), for the warning.</param>
/// <param name="Beyond">The offset judged (to the majority; with too few voters, the worst peer's) is beyond 80 % of the max offset.</param>
public sealed record ClockVerdict(ClockStatus Status, bool SelfChanged, bool PeersChanged, bool Beyond, bool OnlyWarns, double WorstPeerOffsetMs);

/// <summary>
/// Whether this node's wall clock agrees with the majority of the cluster (CockroachDB's rule).
/// Once per heartbeat interval the offset to the majority is the median of the believed offsets
/// to every peer with a fresh reading and this node's own (0); the node is out of sync after 3
/// such estimates beyond 80 % of the max offset and back after 3 within 50 %. Each peer is judged
/// the same way by its offset to this node, so peers' votes and candidacies can be refused while
/// their clock is off. With fewer than 3 voters there is no majority to trust over this node's
/// own clock: it only warns. Plain and single-threaded (the coordinator owns it).
/// </summary>
/// <param name="settled">False: the clock is untrusted until an estimate within the bound (see <see cref="ClockStatus.Settled"/>).</param>
public sealed class ClockSync(TimeSpan maxOffset, bool settled = true)
{
    public const double OutOfSyncFraction = 0.8;
    public const double BackInSyncFraction = 0.5;
    public const int MinimumVoters = 3;

    private readonly double _outMs = OutOfSyncBoundMs(maxOffset);
    private readonly double _backMs = BackInSyncBoundMs(maxOffset);
    private readonly SyncHysteresis _self = NewHysteresis(maxOffset);
    private readonly Dictionary<string, SyncHysteresis> _peers = new(StringComparer.Ordinal);

    private bool _settled = settled;

    public ClockStatus Status { get; private set; } = ClockStatus.Initial(maxOffset, settled);

    /// <summary>The median of the offsets (this node's 0 included), negated: positive when this node is ahead.</summary>
    public static double OffsetToMajority(IEnumerable<double> peerOffsetsMs)
    {
        var all = peerOffsetsMs.Append(0).Order().ToList();
        var mid = all.Count / 2;
        if (all.Count % 2 == 1)
        {
            return -all[mid];
        }

        // Two middle values and no majority between them: the one nearer this node's own clock.
        var (low, high) = (all[mid - 1], all[mid]);
        return -(Math.Abs(low) <= Math.Abs(high) ? low : high);
    }

    /// <summary>One estimate from the fresh readings; <paramref name="voters"/> counts this node.</summary>
    /// <param name="measurable">How many voters (this node included) this node exchanges heartbeats with
    /// (its monitored peers + 1 in a cluster larger than that): the majority that must agree before
    /// the clock is trusted is counted over at most these.</param>
    public ClockVerdict Evaluate(IReadOnlyDictionary<string, OffsetEstimate> readings, int voters, int? measurable = null)
    {
        var peersChanged = false;
        foreach (var gone in _peers.Keys.Where(p => !readings.ContainsKey(p)).ToList())
        {
            peersChanged |= !_peers[gone].InSync;
            _peers.Remove(gone);
        }

        foreach (var (peer, reading) in readings)
        {
            if (!_peers.TryGetValue(peer, out var h))
            {
                _peers[peer] = h = NewHysteresis(maxOffset);
            }

            peersChanged |= h.Observe(reading.OffsetMs);
        }

        var onlyWarns = voters < MinimumVoters;
        double? offset = readings.Count == 0 ? Status.OffsetToMajorityMs : OffsetToMajority(readings.Values.Select(r => r.OffsetMs));
        var worst = readings.Count == 0 ? 0 : -readings.Values.MaxBy(r => Math.Abs(r.OffsetMs)).OffsetMs;
        var beyond = readings.Count > 0 && Math.Abs(onlyWarns ? worst : offset!.Value) > _outMs;
        var selfChanged = false;
        if (readings.Count > 0)
        {
            // Too few voters: a lone peer's word does not outvote this node's clock; stay in sync and warn.
            selfChanged = _self.Observe(onlyWarns ? Math.Min(Math.Abs(offset!.Value), _backMs) : offset!.Value);
        }

        // Trusted once a majority of the voters (this node included) agree with its clock: one
        // disagreeing peer among three gives an even median that favours this node, not a verdict.
        _settled |= onlyWarns || 1 + readings.Values.Count(r => Math.Abs(r.OffsetMs) <= _outMs)
            >= Election.Majority.Of(Math.Min(voters, measurable ?? voters));
        var outOfSync = _peers.Where(p => !p.Value.InSync).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        Status = new ClockStatus(_self.InSync, offset, maxOffset, outOfSync) { Settled = _settled };
        return new ClockVerdict(Status, selfChanged, peersChanged, beyond, onlyWarns, worst);
    }

    /// <summary>Offsets beyond this (80 % of the max offset) count towards out of sync.</summary>
    public static double OutOfSyncBoundMs(TimeSpan maxOffset) => maxOffset.TotalMilliseconds * OutOfSyncFraction;

    /// <summary>Offsets within this (50 % of the max offset) count towards back in sync.</summary>
    public static double BackInSyncBoundMs(TimeSpan maxOffset) => maxOffset.TotalMilliseconds * BackInSyncFraction;

    /// <summary>
    /// Whether a node's clock is trusted before any estimate: only with fewer configured nodes than
    /// <see cref="MinimumVoters"/>, where there is no majority to judge it by (the node context's
    /// first status and the coordinator's verdict start from this one rule).
    /// </summary>
    public static bool SettledAtStart(int configuredNodes) => configuredNodes < MinimumVoters;

    private static SyncHysteresis NewHysteresis(TimeSpan maxOffset) => new(OutOfSyncBoundMs(maxOffset), BackInSyncBoundMs(maxOffset));
}
