using System.Diagnostics;
using System.Text.Json;
using Solidb.Testing;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// Partitions between real processes, each on its own network namespace (<see cref="NetworkLab"/>;
/// needs root and iproute2), default settings, status polled every 20 ms; every run on fresh namespaces.
/// <list type="bullet">
/// <item>`-- heal [runs] [cut-seconds]`: the leader is cut off from both others for 5 s (default),
/// then reconnected; the time from the reconnection until all three are Active under one leader.</item>
/// <item>`-- partial [runs]`: the link between the leader and one follower is cut (once the leader
/// has missed 10 heartbeats of it, past Akka's 7 s acceptable pause); a fourth node is started:
/// the time until it is Active in all four views; then SIGTERM: the time until it is gone from the
/// other three views and has exited.</item>
/// </list>
/// Prints each run, then p50 and max; a run over the bound counts as a timeout.
/// </summary>
internal static class PartitionHarness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const int Port = 6745;

    public static async Task<int> Heal(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 10;
        var cut = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1]) : 5);
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (t, detail) = await HealOnce(cut);
            times.Add(t);
            Console.WriteLine($"run {i + 1}: heal -> all three Active under one leader {Format(t)} ({detail})");
        }

        Summarize($"leader cut off for {cut.TotalSeconds:F0} s, heal -> all Active under one leader", times);
        return 0;
    }

    public static async Task<int> Partial(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0]) : 5;
        var active = new List<double>();
        var leave = new List<double>();
        var baseActive = new List<double>();
        var baseLeave = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // The baseline, in the same run: the same join and leave with no link cut (process
            // start-up of a fourth node is most of a join on a loaded machine).
            var (ba, bl, _) = await PartialOnce(cut: false);
            baseActive.Add(ba);
            baseLeave.Add(bl);
            var (a, l, detail) = await PartialOnce(cut: true);
            active.Add(a);
            leave.Add(l);
            Console.WriteLine($"run {i + 1}: new node Active in all views {Format(a)} (no cut: {Format(ba)}), SIGTERM -> gone from all views and exited {Format(l)} (no cut: {Format(bl)}) ({detail})");
        }

        Summarize("no cut (baseline), start -> new node Active in all 4 views", baseActive);
        Summarize("during a leader-follower cut, start -> new node Active in all 4 views", active);
        Summarize("no cut (baseline), SIGTERM -> node gone from the 3 views and exited", baseLeave);
        Summarize("during a leader-follower cut, SIGTERM -> node gone from the 3 views and exited", leave);
        Console.WriteLine($"ratio cut/baseline (p50): join x{Samples.Median(active.Where(double.IsFinite).ToList()) / Samples.Median(baseActive.Where(double.IsFinite).ToList()):F2}, "
                          + $"leave x{Samples.Median(leave.Where(double.IsFinite).ToList()) / Samples.Median(baseLeave.Where(double.IsFinite).ToList()):F2}");
        return 0;
    }

    private static async Task<(double Ms, string Detail)> HealOnce(TimeSpan cut)
    {
        using var lab = NetworkLab.Create(3);
        using var cluster = new LabCluster(lab, 3);
        var formed = await cluster.Until(s => NodeProcess.OneLeaderAllActive(3, s));
        if (formed is null)
        {
            return (double.NaN, "the cluster did not form");
        }

        var (leader, term) = LeaderOf(formed[0]!.Value);
        var leaderIndex = Index(leader!);
        var incarnation = formed[leaderIndex]!.Value.GetProperty("incarnation").GetInt64();
        lab.Isolate(leaderIndex);
        await Task.Delay(cut);
        lab.HealAll();
        var clock = Stopwatch.StartNew();
        var healed = await cluster.Until(s => NodeProcess.OneLeaderAllActive(3, s));
        var ms = clock.Elapsed.TotalMilliseconds;
        var now = healed ?? await cluster.Statuses();
        var after = now.Select(s => s is { } v ? LeaderOf(v) : default).ToList();
        var cutIncarnation = now[leaderIndex]?.GetProperty("incarnation").GetInt64();
        var detail = $"cut {leader} term {term}; after: leader {after[0].Leader ?? "none"} term {after[0].Term}, "
                     + (cutIncarnation is { } inc && inc > incarnation ? $"{leader} restarted (incarnation {incarnation} -> {inc})" : $"{leader} not restarted");
        return (healed is null ? double.NaN : ms, detail);
    }

    private static async Task<(double Active, double Leave, string Detail)> PartialOnce(bool cut)
    {
        using var lab = NetworkLab.Create(3);
        using var cluster = new LabCluster(lab, 3);
        var formed = await cluster.Until(s => NodeProcess.OneLeaderAllActive(3, s));
        if (formed is null)
        {
            return (double.NaN, double.NaN, "the cluster did not form");
        }

        var (leader, term) = LeaderOf(formed[0]!.Value);
        var leaderIndex = Index(leader!);
        var follower = Enumerable.Range(0, 3).First(i => i != leaderIndex);
        if (cut)
        {
            lab.Cut(leaderIndex, follower);
        }

        var cutTakenHold = !cut ? [] : await cluster.Until(s => State(s[leaderIndex], $"node{follower + 1}") is { } m
            && m.GetProperty("missed_heartbeats") is { ValueKind: JsonValueKind.Number } n && n.GetInt32() >= 10);
        if (cutTakenHold is null)
        {
            return (double.NaN, double.NaN, "the leader never missed 10 heartbeats of the cut follower");
        }

        var joiner = cluster.Add();
        const string joinerId = "node4";
        var clock = Stopwatch.StartNew();
        var joined = await cluster.Until(s => s.All(v => Is(State(v, joinerId), "Active")));
        var active = joined is null ? double.NaN : clock.Elapsed.TotalMilliseconds;
        var seen = string.Join(", ", (joined ?? await cluster.Statuses()).Select((s, i) => $"node{i + 1} sees {State(s, joinerId)?.GetProperty("state").GetString() ?? "nothing"}"));

        cluster.Nodes[joiner].Terminate();
        clock.Restart();
        var others = Enumerable.Range(0, 3).ToList();
        var gone = await cluster.Until(s => cluster.Nodes[joiner].HasExited && others.All(i => s[i] is { } v && State(v, joinerId) is null), only: others);
        var leave = gone is null ? double.NaN : clock.Elapsed.TotalMilliseconds;
        var terms = (gone ?? await cluster.Statuses(others)).Select(s => s?.GetProperty("term").GetInt64()).Distinct();
        return (active, leave, $"cut {leader}-node{follower + 1}, term {term}; node4 in the views when Active or at the bound: {seen}; terms after: {string.Join("/", terms)}");
    }

    private static (string? Leader, long Term) LeaderOf(JsonElement s) => (s.GetProperty("leader").GetString(), s.GetProperty("term").GetInt64());

    private static int Index(string nodeId) => int.Parse(nodeId["node".Length..]) - 1;

    private static JsonElement? State(JsonElement? status, string id) =>
        status?.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("node_id").GetString() == id).Select(m => (JsonElement?)m).FirstOrDefault();

    private static bool Is(JsonElement? member, string state) => member?.GetProperty("state").GetString() == state;

    private static string Format(double ms) => double.IsNaN(ms) ? $"timeout (> {Bound.TotalSeconds:F0} s)" : $"{ms:F0} ms";

    private static void Summarize(string what, List<double> times)
    {
        var done = times.Where(double.IsFinite).ToList();
        Console.WriteLine($"{what}, {times.Count} runs: p50 {Format(Samples.Median(done))}, max {Format(done.DefaultIfEmpty(double.NaN).Max())}; "
                          + $"{times.Count - done.Count} timed out (> {Bound.TotalSeconds:F0} s)");
    }

    /// <summary>Nodes node1..N on the lab's first hosts, listing each other; more may be added (listing the first N).</summary>
    private sealed class LabCluster : IDisposable
    {
        private readonly NetworkLab _lab;
        private readonly TempDir _dir = new("solidb-partition-");
        private readonly string _peers;

        public LabCluster(NetworkLab lab, int size)
        {
            _lab = lab;
            _peers = string.Join(",", Enumerable.Range(0, size).Select(i => $"{lab.Address(i)}:{Port}"));
            for (var i = 0; i < size; i++)
            {
                Start(i);
            }
        }

        public List<NodeProcess> Nodes { get; } = [];

        public int Add()
        {
            var host = _lab.AddHost();
            Start(host);
            return host;
        }

        public Task<JsonElement?[]> Statuses(IEnumerable<int>? only = null) =>
            Task.WhenAll((only ?? Enumerable.Range(0, Nodes.Count)).Select(i => Nodes[i].StatusAsync()));

        /// <summary>Polls until the statuses (of all nodes, or <paramref name="only"/>, in that order) meet the condition; null after <see cref="Bound"/>.</summary>
        public async Task<JsonElement?[]?> Until(Func<JsonElement?[], bool> done, IReadOnlyList<int>? only = null)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Bound)
            {
                var statuses = await Statuses(only);
                if (done(statuses))
                {
                    return statuses;
                }

                await Task.Delay(Poll);
            }

            return null;
        }

        public void Dispose()
        {
            Parallel.ForEach(Nodes, n => n.Dispose());
            _dir.Dispose();
        }

        private void Start(int host)
        {
            if (host != Nodes.Count)
            {
                throw new InvalidOperationException("lab hosts and nodes must match one to one");
            }

            Nodes.Add(NodeProcess.Start($"node{host + 1}", Port, Port + 1, Path.Combine(_dir.Path, $"n{host}"), _peers, ["--insecure"],
                _lab.Address(host), _lab.Wrapper(host)));
        }
    }
}
