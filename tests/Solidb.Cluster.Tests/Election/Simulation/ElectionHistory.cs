using System.Globalization;
using System.Numerics;
using System.Text;
using Solidb.Cluster.Election;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>One node's election state right after an input changed it.</summary>
/// <param name="Leader">Index of the node it follows (or itself), null while it knows none.</param>
internal readonly record struct Observation(TimeSpan At, int Node, int Incarnation, long Term, ElectionRole Role, int? Leader, bool HasQuorum);

internal enum ViolationKind
{
    TwoLeadersInOneTerm,
    TermWentBack,
    Liveness,

    /// <summary>A liveness miss while the round after a split vote could not have finished yet: tolerated, counted.</summary>
    LivenessAfterSplitVote,

    /// <summary>
    /// A liveness miss while the nodes of the majority had not admitted each other as members for the
    /// whole liveness window (with a membership layer only, see <see cref="ElectionHistory.VotersFormed"/>): tolerated, counted.
    /// </summary>
    LivenessWithoutVoters,

    /// <summary>Reported by the driver: a miss its checker explains by a stated limit of the design (tolerated, counted).</summary>
    KnownLimit,

    /// <summary>Reported by the driver.</summary>
    Other,
}

/// <summary>Something the checker found wrong, at virtual time <paramref name="At"/>.</summary>
internal sealed record Violation(TimeSpan At, ViolationKind Kind, string Message)
{
    public bool Tolerated => Kind is ViolationKind.LivenessAfterSplitVote or ViolationKind.LivenessWithoutVoters or ViolationKind.KnownLimit;
}

/// <summary>
/// Records what the nodes of one run observed and what the environment did to them, and checks:
/// <list type="number">
/// <item>(a) safety: at most one leader per term, ever: two different nodes observed with
/// <see cref="ElectionRole.Leader"/> in the same term is a violation (whenever each was observed);</item>
/// <item>(b) terms never decrease on any node, including across its crash and restart;</item>
/// <item>(c) liveness (checked by <see cref="Finish"/>): a <em>healthy window</em> is a stretch
/// during which links are lossless (no drops, no long delays) and a fixed set S of nodes, a
/// majority of all voters, is up and on one side of the partition (if any), every other node
/// being down or on the other side. Once a healthy window has lasted
/// <see cref="LivenessWindow"/>, and at every whole second after that while it lasts (including
/// the end of the run), some node of S is Leader with HasQuorum. Randomized timeouts make this
/// probabilistic: when two nodes of S campaign in the same term and S is a bare majority, neither
/// wins (a split vote) and the next round comes 3-4.5 s later. So a miss at time t is tolerated
/// (<see cref="ViolationKind.LivenessAfterSplitVote"/>, counted, not a failure) only while the
/// round after a split vote could still be running: a term in which two or more nodes of S were
/// Candidate during the window and nobody led, with the last such candidacy later than
/// t - (<see cref="SplitVoteGrace"/>). Any other miss is a failure. The rate of tolerated misses
/// is bounded by the caller (a systematic collision, e.g. timeouts that are not random, would
/// show as many).</item>
/// </list>
/// A leadership transfer (<see cref="Transferred"/>) leaves a short gap between the old leader
/// stepping down and the new one known; checks within <see cref="SplitVoteGrace"/> after one are
/// skipped (a transfer campaign that fails is followed by a normal round), later ones count as usual.
/// Plus anything the driver reports through <see cref="Violation(TimeSpan, string)"/>.
/// Observations and environment changes must be recorded in time order.
/// </summary>
internal sealed class ElectionHistory
{
    public static readonly TimeSpan LivenessWindow = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With a membership layer: whether the nodes of a set (bit mask) admitted each other as
    /// members at a moment. A liveness miss counts as a failure only if they did at every whole
    /// second of the <see cref="LivenessWindow"/> before it; otherwise it is
    /// <see cref="ViolationKind.LivenessWithoutVoters"/> (production's voters are the admitted members).
    /// </summary>
    public Func<TimeSpan, int, bool>? VotersFormed { get; set; }

    /// <summary>How long the round after a split vote may take: the maximum election timeout (4.5 s) plus 1 s for ticks and messages.</summary>
    public static readonly TimeSpan SplitVoteGrace = TimeSpan.FromSeconds(5.5);
    private static readonly TimeSpan LivenessStep = TimeSpan.FromSeconds(1);

    private readonly int _nodes;
    private readonly List<TimeSpan> _transfers = [];
    private readonly List<Observation> _observations = [];
    private readonly List<Environment> _environment = [];
    private readonly List<Violation> _violations = [];
    private readonly List<(bool IsEnvironment, int Index)> _order = [];
    private readonly Dictionary<long, (int Node, TimeSpan At)> _leaders = [];
    private readonly Observation?[] _last;
    private readonly bool[] _up;
    private int[] _groupOf;
    private bool _lossy;

    public ElectionHistory(int nodes)
    {
        _nodes = nodes;
        _last = new Observation?[nodes];
        _up = Enumerable.Repeat(true, nodes).ToArray();
        _groupOf = new int[nodes];
        Changed(TimeSpan.Zero, "start: all nodes up, healthy network");
    }

    public int NodeCount => _nodes;

    public IReadOnlyList<Observation> Observations => _observations;

    public IReadOnlyList<Violation> Violations => _violations;

    /// <summary>The violations that are not tolerated.</summary>
    public IReadOnlyList<Violation> Failures => _violations.Where(v => !v.Tolerated).ToList();

    /// <summary>How many liveness checks <see cref="Finish"/> made (for coverage statistics).</summary>
    public int LivenessChecks { get; private set; }

    /// <summary>How many healthy windows reached <see cref="LivenessWindow"/>.</summary>
    public int HealthyWindowCount { get; private set; }

    public static string Name(int node) => $"node{node + 1}";

    public static string Time(TimeSpan at) => at.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    public void Observe(Observation o)
    {
        _order.Add((false, _observations.Count));
        _observations.Add(o);
        if (o.Role == ElectionRole.Leader)
        {
            if (_leaders.TryGetValue(o.Term, out var first))
            {
                if (first.Node != o.Node)
                {
                    Add(o.At, ViolationKind.TwoLeadersInOneTerm, $"two leaders in term {o.Term}: {Name(first.Node)} at {Time(first.At)}, {Name(o.Node)} at {Time(o.At)}");
                }
            }
            else
            {
                _leaders[o.Term] = (o.Node, o.At);
            }
        }

        if (_last[o.Node] is { } previous && o.Term < previous.Term)
        {
            Add(o.At, ViolationKind.TermWentBack, $"{Name(o.Node)}'s term went back from {previous.Term} (at {Time(previous.At)}, incarnation {previous.Incarnation}) " +
                $"to {o.Term} at {Time(o.At)} (incarnation {o.Incarnation})");
        }

        _last[o.Node] = o;
    }

    public void Crashed(TimeSpan at, int node, string why = "crashed")
    {
        _up[node] = false;
        Changed(at, $"{Name(node)} {why}");
    }

    public void Restarted(TimeSpan at, int node, string why = "restarted")
    {
        _up[node] = true;
        Changed(at, $"{Name(node)} {why}");
    }

    /// <param name="groupOf">Partition side of each node; nodes on different sides cannot talk.</param>
    /// <param name="lossy">Messages may be dropped or delayed beyond the normal few milliseconds.</param>
    public void Network(TimeSpan at, IReadOnlyList<int> groupOf, bool lossy, string description)
    {
        _groupOf = groupOf.ToArray();
        _lossy = lossy;
        Changed(at, "network: " + description);
    }

    public void Violation(TimeSpan at, string message) => Add(at, ViolationKind.Other, message);

    /// <summary>The leader started a leadership transfer to <paramref name="target"/>.</summary>
    public void Transferred(TimeSpan at, int leader, int target)
    {
        _transfers.Add(at);
        Changed(at, $"{Name(leader)} transfers leadership to {Name(target)}");
    }

    /// <summary>A miss the driver explains by a stated limit of the design: tolerated, counted.</summary>
    public void KnownLimit(TimeSpan at, string message) => Add(at, ViolationKind.KnownLimit, message);

    /// <summary>Checks liveness over the whole run, which ended at <paramref name="end"/>.</summary>
    public void Finish(TimeSpan end)
    {
        var checks = new List<(TimeSpan At, int Majority, TimeSpan Since)>();
        foreach (var (start, stop, majority) in HealthyWindowsUntil(end))
        {
            if (stop - start < LivenessWindow)
            {
                continue;
            }

            HealthyWindowCount++;
            for (var t = start + LivenessWindow; t < stop || (stop == end && t <= end); t += LivenessStep)
            {
                checks.Add((t, majority, start));
            }
        }

        var state = new Observation?[_nodes];
        var next = 0;
        var failedWindows = new HashSet<TimeSpan>();
        var toleratedWindows = new HashSet<TimeSpan>();
        foreach (var (at, majority, since) in checks.OrderBy(c => c.At))
        {
            while (next < _observations.Count && _observations[next].At <= at)
            {
                state[_observations[next].Node] = _observations[next];
                next++;
            }

            LivenessChecks++;
            if (failedWindows.Contains(since) || Members(majority).Any(n => state[n] is { Role: ElectionRole.Leader, HasQuorum: true })
                || _transfers.Any(t => t <= at && at - t < SplitVoteGrace))
            {
                continue;
            }

            var states = string.Join("; ", Enumerable.Range(0, _nodes).Select(n => $"{Name(n)}: {Describe(state[n])}"));
            var message = $"no leader with quorum among {Names(majority)} at {Time(at)} although they have been up, " +
                $"on one side and on lossless links since {Time(since)}";
            var splits = SplitVotes(majority, since, at);
            if (splits.Count > 0 && at - splits[^1].LastCandidacy < SplitVoteGrace)
            {
                if (toleratedWindows.Add(since))
                {
                    var terms = string.Join(", ", splits.Select(v => $"term {v.Term} at {Time(v.LastCandidacy)}"));
                    Add(at, ViolationKind.LivenessAfterSplitVote, $"{message}, after {splits.Count} split vote(s) ({terms}); {states}");
                }

                continue;
            }

            if (VotersFormed is { } formed && !Enumerable.Range(0, (int)(LivenessWindow / LivenessStep) + 1).All(k => formed(at - (k * LivenessStep), majority)))
            {
                if (toleratedWindows.Add(since))
                {
                    Add(at, ViolationKind.LivenessWithoutVoters, $"{message}, but they had not admitted each other as members (voters) for {Time(LivenessWindow)}; {states}");
                }

                continue;
            }

            failedWindows.Add(since);
            var after = splits.Count == 0 ? "" : $" (and {splits.Count} split vote(s), the last at {Time(splits[^1].LastCandidacy)})";
            Add(at, ViolationKind.Liveness, $"{message}{after}; {states}");
        }
    }

    /// <summary>
    /// Terms in which two or more nodes of <paramref name="majority"/> were Candidate between
    /// <paramref name="from"/> and <paramref name="to"/> and nobody led, with the last candidacy, oldest first.
    /// </summary>
    public List<(long Term, TimeSpan LastCandidacy)> SplitVotes(int majority, TimeSpan from, TimeSpan to) =>
        _observations
            .Where(o => o.At >= from && o.At <= to && o.Role == ElectionRole.Candidate && (majority & (1 << o.Node)) != 0 && !_leaders.ContainsKey(o.Term))
            .GroupBy(o => o.Term)
            .Where(g => g.Select(o => o.Node).Distinct().Count() >= 2)
            .Select(g => (g.Key, g.Max(o => o.At)))
            .OrderBy(v => v.Item2)
            .ToList();

    /// <summary>The maximal healthy windows of non-zero length: (start, end, set of nodes as a bit mask).</summary>
    public IEnumerable<(TimeSpan Start, TimeSpan End, int Majority)> HealthyWindowsUntil(TimeSpan end)
    {
        TimeSpan? start = null;
        var current = -1;
        for (var i = 0; i < _environment.Count; i++)
        {
            var env = _environment[i];
            var majority = HealthyMajority(env);
            if (majority != current)
            {
                if (current >= 0 && env.At > start)
                {
                    yield return (start!.Value, env.At, current);
                }

                current = majority;
                start = env.At;
            }
        }

        if (current >= 0 && end > start)
        {
            yield return (start!.Value, end, current);
        }
    }

    /// <summary>
    /// The first failures (or, without any, the tolerated violations) and the history that led to
    /// the first one, for a failure message.
    /// </summary>
    public string Report(int maxLines = 80)
    {
        var text = new StringBuilder();
        var shown = Failures.Count > 0 ? Failures : _violations;
        foreach (var v in shown.Take(5))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {v.Message}");
        }

        if (shown.Count > 5)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ... and {shown.Count - 5} more");
        }

        if (shown.Count == 0)
        {
            return text.ToString();
        }

        var until = shown.Min(v => v.At);
        var from = until - TimeSpan.FromSeconds(15);
        var lines = _order
            .Select(entry => entry.IsEnvironment
                ? (_environment[entry.Index].At, $"{Time(_environment[entry.Index].At)}  {_environment[entry.Index].What}")
                : (_observations[entry.Index].At, $"{Time(_observations[entry.Index].At)}  {Line(_observations[entry.Index])}"))
            .Where(l => l.At >= from && l.At <= until)
            .Select(l => l.Item2)
            .ToList();
        var cut = lines.Count > maxLines ? $" (last {maxLines} of {lines.Count} lines):" : ":";
        text.AppendLine(CultureInfo.InvariantCulture, $"  history from {Time(from)} to {Time(until)}{cut}");
        foreach (var line in lines.Skip(Math.Max(0, lines.Count - maxLines)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {line}");
        }

        return text.ToString();
    }

    private void Add(TimeSpan at, ViolationKind kind, string message) => _violations.Add(new Violation(at, kind, message));

    private static string Line(Observation o) => $"{Name(o.Node)}#{o.Incarnation} {Describe(o)}";

    private static string Describe(Observation? o) => o is not { } s
        ? "never observed"
        : $"{s.Role} term {s.Term}, leader {(s.Leader is { } l ? Name(l) : "-")}, quorum {(s.HasQuorum ? "yes" : "no")}";

    private void Changed(TimeSpan at, string what)
    {
        _order.Add((true, _environment.Count));
        _environment.Add(new Environment(at, (bool[])_up.Clone(), _groupOf, _lossy, what));
    }

    /// <summary>The up nodes on the side that holds a majority of all voters, if the links are lossless; else -1.</summary>
    private int HealthyMajority(Environment env)
    {
        if (env.Lossy)
        {
            return -1;
        }

        foreach (var group in env.GroupOf.Distinct())
        {
            var mask = 0;
            for (var n = 0; n < _nodes; n++)
            {
                if (env.Up[n] && env.GroupOf[n] == group)
                {
                    mask |= 1 << n;
                }
            }

            if (BitOperations.PopCount((uint)mask) * 2 > _nodes)
            {
                return mask;
            }
        }

        return -1;
    }

    private IEnumerable<int> Members(int mask) => Enumerable.Range(0, _nodes).Where(n => (mask & (1 << n)) != 0);

    private string Names(int mask) => "{" + string.Join(", ", Members(mask).Select(Name)) + "}";

    private sealed record Environment(TimeSpan At, bool[] Up, int[] GroupOf, bool Lossy, string What);
}
