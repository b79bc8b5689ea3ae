using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Tests.Bootstrap.Simulation;

/// <summary>Test seams that break a rule, to show the checker catches it.</summary>
/// <param name="Abandon">Founders and joiners abandon a cluster that no majority joined in half a lease (the rule).</param>
/// <param name="Window">The candidate's deadline and the founder's check after asking, instead of half the lease (beyond the lease breaks the rule).</param>
internal sealed record FormationSimRules(bool Abandon = true, TimeSpan? Window = null);

/// <summary>
/// One seeded bootstrap: N in 3..7 configured nodes driving the real <see cref="FormationVote"/>
/// on virtual time. Until the calm point the network loses and delays messages, partitions come
/// and go, some nodes start late or never, and nodes that are in no established cluster crash and
/// restart with their persisted promise. Joining is modelled as Akka's seed process: a node in no
/// cluster that hears from a member joins that member's cluster. Checks: never two clusters with
/// live members at once; after the calm point, all running nodes end in one cluster within
/// <see cref="Bound"/> when a majority runs. Same seed, same run.
/// </summary>
internal sealed class FormationSimulation
{
    public static readonly TimeSpan Calm = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly FormationTiming Timing = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly long _origin;
    private readonly PriorityQueue<Action, (long, long)> _queue = new();
    private readonly Random _random;
    private readonly FormationSimRules _rules;
    private readonly List<string> _configured;
    private readonly Node[] _nodes;
    private readonly Dictionary<int, Cluster> _clusters = [];
    private readonly List<(long From, long To, bool[] Side)> _partitions = [];
    private readonly double _loss;
    private readonly int _maxDelayMs;
    private long _seq;
    private int _nextCluster;
    private TimeSpan? _settledAt;
    private bool _isolateFounders;

    public FormationSimulation(int seed, FormationSimRules? rules = null)
    {
        Seed = seed;
        _random = new Random(seed);
        _rules = rules ?? new FormationSimRules();
        var n = _random.Next(3, 8);
        _configured = [.. Enumerable.Range(1, n).Select(i => $"10.0.0.{i}:6745")];
        _nodes = [.. Enumerable.Range(0, n).Select(i => new Node(i))];
        _origin = _time.GetTimestamp();
        _loss = _random.NextDouble() * 0.3;
        _maxDelayMs = _random.Next(1, 300);
        Plan();
    }

    public int Seed { get; }

    public int Size => _nodes.Length;

    public List<string> Violations { get; } = [];

    public List<string> Log { get; } = [];

    /// <summary>When, after the calm point, every running node was first in one cluster (null: not by the end).</summary>
    public TimeSpan? SettledAfterCalm { get; private set; }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    public FormationSimulation Run()
    {
        var end = Calm + Bound;
        while (_queue.TryPeek(out _, out var at) && at.Item1 <= end.Ticks)
        {
            _time.Advance(TimeSpan.FromTicks(at.Item1) - Now);
            _queue.Dequeue()();
            _settledAt = Settled() ? _settledAt ?? Now : null;
        }

        SettledAfterCalm = _settledAt is { } settled ? (settled > Calm ? settled - Calm : TimeSpan.Zero) : null;
        if (_nodes.Count(x => x.Vote is not null) >= Majority && SettledAfterCalm is null)
        {
            Violations.Add($"{Now}: a majority runs in no partition since {Calm} but is not in one cluster: " +
                           string.Join(", ", _nodes.Select(x => $"{x.Index}:{(x.Vote is null ? "down" : x.Cluster?.ToString() ?? "-")}")));
        }

        return this;
    }

    public string Report() => $"seed {Seed} (n={Size}, loss {_loss:0.00}, delay <= {_maxDelayMs} ms): {string.Join("; ", Violations)}\n  " +
                              string.Join("\n  ", Log.TakeLast(60));

    private int Majority => Size / 2 + 1;

    private bool Settled()
    {
        var running = _nodes.Where(x => x.Vote is not null).ToList();
        return running.Count >= Majority && running.All(x => x.Cluster is not null && x.Cluster == running[0].Cluster);
    }

    private void Plan()
    {
        var late = _random.Next(0, 3);
        foreach (var node in _nodes)
        {
            var draw = _random.NextDouble();
            if (draw < 0.1)
            {
                continue; // never starts
            }

            var start = draw < 0.1 + 0.1 * late ? Calm + TimeSpan.FromSeconds(_random.Next(0, 20)) : TimeSpan.FromMilliseconds(_random.Next(0, 20_000));
            At(start, () => Start(node));
        }

        // Some runs are storms: many short partitions with sides drawn anew each time. In some, a
        // founder is cut off from every other node right after it formed (before anyone joins).
        var storm = _random.Next(3) == 0;
        _isolateFounders = _random.Next(3) == 0;
        for (var p = _random.Next(0, storm ? 30 : 4); p > 0; p--)
        {
            var from = _random.Next(0, (int)Calm.TotalMilliseconds);
            var to = Math.Min(from + _random.Next(500, storm ? 4_000 : 20_000), (int)Calm.TotalMilliseconds);
            _partitions.Add((from, to, [.. _nodes.Select(_ => _random.Next(2) == 0)]));
        }

        for (var c = _random.Next(0, 4); c > 0; c--)
        {
            var node = _nodes[_random.Next(Size)];
            At(TimeSpan.FromMilliseconds(_random.Next(0, (int)Calm.TotalMilliseconds)), () => Crash(node));
        }
    }

    private void At(TimeSpan at, Action action) => _queue.Enqueue(action, (at.Ticks, _seq++));

    private void After(TimeSpan delay, Action action) => At(Now + delay, action);

    private void Start(Node node)
    {
        if (node.Vote is not null)
        {
            return;
        }

        node.Incarnation++;
        var timing = _rules.Window is { } window ? Timing with { Window = window } : Timing;
        node.Vote = new FormationVote(_time, new Random(_random.Next()), node.Store, _configured[node.Index], node.Id, _configured, timing, rejoinOnly: false);
        Log.Add($"{Now} n{node.Index} starts (incarnation {node.Incarnation}, promise {node.Store.Saved.Round}/{node.Store.Saved.CandidateAddress})");
        var inc = node.Incarnation;
        After(TimeSpan.FromMilliseconds(_random.Next(1, 500)), () => Tick(node, inc));
    }

    private void Stop(Node node, string why)
    {
        Log.Add($"{Now} n{node.Index} stops: {why}");
        if (node.Cluster is { } c)
        {
            _clusters[c].Members.Remove(node.Index);
        }

        node.Vote = null;
        node.Cluster = null;
        node.Incarnation++;
    }

    private void Crash(Node node)
    {
        if (node.Vote is null || (node.Cluster is { } c && _clusters[c].Established))
        {
            return; // the election simulation covers failures of an established cluster
        }

        Stop(node, "crash");
        if (_random.Next(4) > 0)
        {
            After(TimeSpan.FromMilliseconds(_random.Next(100, 15_000)), () => Start(node));
        }
    }

    private void Tick(Node node, int inc)
    {
        if (node.Incarnation != inc || node.Vote is not { } vote || node.Cluster is not null)
        {
            return;
        }

        var outcome = vote.Tick(selfInSync: true);
        if (outcome.Step is FormationStep.Stand or FormationStep.GiveUp)
        {
            Log.Add($"{Now} n{node.Index} {outcome.Step} round {outcome.Round}: {outcome.Why}");
        }

        foreach (var peer in _nodes.Where(p => p != node))
        {
            if (outcome.Step == FormationStep.Stand)
            {
                var round = outcome.Round;
                Send(node, peer, () => OnVoteRequest(peer, node, inc, round));
            }

            Send(node, peer, () => OnQuery(peer, node, inc));
        }

        After(Timing.QueryInterval, () => Tick(node, inc));
    }

    private void OnQuery(Node voter, Node asker, int askerInc)
    {
        var (member, round, elsewhere) = (voter.Cluster, voter.Vote!.MaxRound, voter.Vote.PromisedElsewhere(_configured[asker.Index]));
        var voterInc = voter.Incarnation;
        Send(voter, asker, () =>
        {
            if (asker.Incarnation != askerInc || asker.Cluster is not null)
            {
                return;
            }

            if (member is { } c && voter.Incarnation == voterInc && voter.Cluster == c)
            {
                Join(asker, c);
                return;
            }

            asker.Vote!.Answer(_configured[voter.Index], member is not null, round, elsewhere);
        });
    }

    private void OnVoteRequest(Node voter, Node candidate, int candidateInc, long round)
    {
        var grant = voter.Vote!.Vote(_configured[candidate.Index], candidate.Id, round, voter.Cluster is not null, true, true);
        Send(voter, candidate, () =>
        {
            if (candidate.Incarnation == candidateInc && candidate.Cluster is null
                && candidate.Vote!.Granted(_configured[voter.Index], round, grant.Granted))
            {
                var id = _nextCluster++;
                _clusters[id] = new Cluster(candidate.Index);
                Log.Add($"{Now} n{candidate.Index} forms cluster {id} in round {round}");
                Enter(candidate, id);
                IsolateFounder(candidate);
            }
        });
    }

    private void IsolateFounder(Node founder)
    {
        var from = (long)Now.TotalMilliseconds;
        if (_isolateFounders && from < Calm.TotalMilliseconds && _random.Next(2) == 0)
        {
            var to = Math.Min(from + _random.Next(5_000, 25_000), (long)Calm.TotalMilliseconds);
            _partitions.Add((from, to, [.. _nodes.Select(x => x == founder)]));
            Log.Add($"{Now} n{founder.Index} is cut off from every other node until {TimeSpan.FromMilliseconds(to)}");
        }
    }

    private void Join(Node node, int cluster)
    {
        node.Vote!.Joined();
        Log.Add($"{Now} n{node.Index} joins cluster {cluster}");
        Enter(node, cluster);
    }

    private void Enter(Node node, int cluster)
    {
        node.Cluster = cluster;
        _clusters[cluster].Members.Add(node.Index);
        if (_clusters[cluster].Members.Count >= Majority)
        {
            _clusters[cluster].Established = true;
        }

        var live = _clusters.Where(c => c.Value.Members.Count > 0).Select(c => c.Key).ToList();
        if (live.Count > 1)
        {
            Violations.Add($"{Now}: {live.Count} clusters with live members at once: " +
                           string.Join(", ", live.Select(c => $"{c} [{string.Join(" ", _clusters[c].Members.Select(m => $"n{m}"))}]")));
        }

        var inc = node.Incarnation;
        After(node.Vote!.CheckDue, () => Check(node, inc));
    }

    private void Check(Node node, int inc)
    {
        if (node.Incarnation != inc || node.Cluster is not { } c)
        {
            return;
        }

        var up = _clusters[c].Members.Count;
        if (_rules.Abandon && node.Vote!.ShouldAbandon(up))
        {
            Stop(node, $"abandons cluster {c} ({up} up)");
            After(TimeSpan.FromMilliseconds(_random.Next(200, 3000)), () => Start(node));
        }
    }

    private void Send(Node from, Node to, Action deliver)
    {
        var before = Now < Calm;
        if (before && _random.NextDouble() < _loss)
        {
            return;
        }

        After(TimeSpan.FromMilliseconds(_random.Next(1, _maxDelayMs + 1)), () =>
        {
            var at = (long)Now.TotalMilliseconds;
            if (to.Vote is not null && from.Vote is not null && !_partitions.Any(p => p.From <= at && at < p.To && p.Side[from.Index] != p.Side[to.Index]))
            {
                deliver();
            }
        });
    }

    private sealed class Node(int index)
    {
        public int Index { get; } = index;
        public NodeId Id { get; } = NodeId.Parse($"node{index + 1}");
        public MemoryPromiseStore Store { get; } = new();
        public FormationVote? Vote { get; set; }
        public int? Cluster { get; set; }
        public int Incarnation { get; set; }
    }

    private sealed class Cluster(int founder)
    {
        public int Founder { get; } = founder;
        public HashSet<int> Members { get; } = [];
        public bool Established { get; set; }
    }
}
