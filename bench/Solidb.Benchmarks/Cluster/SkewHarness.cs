using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- skew [minutes] [runs]` (issue 12, "Measure it"): three real processes with default settings,
/// the third (the highest address, so not the one that forms the cluster) started with its wall
/// clock really shifted by the clockshift shim, +3000 ms and then -3000 ms. From that process's
/// start: its first clock error line, its readiness answering 503 with a clock reason, the
/// incarnations it goes through in [minutes] (goal: 1) while the two healthy nodes are watched for
/// one leader and term; then its offset is set to 0: the time until readiness 200 and
/// <c>clock.in_sync</c>. Each run first measures the same start with no shift (third node to
/// readiness 200) as the baseline. Prints each run and a summary.
/// </summary>
internal static partial class SkewHarness
{
    private const long ShiftMs = 3000;
    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(1);

    /// <summary>A baseline start or a recovery that takes longer than this is a timeout (NaN).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<int> Run(string[] args)
    {
        if (args.Length > 2
            || !TryArg(args, 0, 5.0, out var minutes) || minutes <= 0
            || !TryArg(args, 1, 1.0, out var runsArg) || runsArg < 1 || runsArg != Math.Floor(runsArg))
        {
            Console.Error.WriteLine("skew: error: usage: skew [minutes > 0, default 5] [runs >= 1, default 1]");
            return 2;
        }

        ClockShiftTool shim;
        try
        {
            shim = ClockShiftTool.Build();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"skew: error: {e.Message}");
            return 2;
        }

        using var _ = shim;
        var window = TimeSpan.FromMinutes(minutes);
        var baselines = new List<double>();
        var skewed = new List<SkewRun>();
        for (var run = 1; run <= (int)runsArg; run++)
        {
            var baseline = await Baseline();
            baselines.Add(baseline);
            Console.WriteLine($"run {run} baseline (no shift): third node start -> readiness 200 {Ms(baseline)}");
            foreach (var offset in new[] { ShiftMs, -ShiftMs })
            {
                var r = await Skewed(shim, offset, window);
                skewed.Add(r);
                Console.WriteLine($"run {run} {r.Describe(window)}");
            }
        }

        Summarise(baselines, skewed, window);
        return 0;
    }

    /// <summary>The same 3-node start with no shift: the third node's start to its readiness 200.</summary>
    private static async Task<double> Baseline()
    {
        using var temp = new TempDir("solidb-skew-");
        var sinceStart = new Stopwatch();
        var nodes = StartThree(temp.Path, env: null, onLine: null, sinceStart);
        try
        {
            while (sinceStart.Elapsed < Timeout)
            {
                if (await nodes[2].ReadinessAsync() is { Code: HttpStatusCode.OK })
                {
                    return sinceStart.Elapsed.TotalMilliseconds;
                }

                await Task.Delay(FastPoll);
            }

            return double.NaN;
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }

    private static async Task<SkewRun> Skewed(ClockShiftTool shim, long offsetMs, TimeSpan window)
    {
        using var temp = new TempDir("solidb-skew-");
        Directory.CreateDirectory(temp.Path);
        var offsetFile = Path.Combine(temp.Path, "clock-offset");
        ClockShiftTool.Set(offsetFile, offsetMs);
        var r = new SkewRun(offsetMs);
        var sinceStart = new Stopwatch();
        var lines = new ErrorLines(sinceStart);
        var nodes = StartThree(temp.Path, shim.Environment(offsetFile), lines.Add, sinceStart);
        var skewed = nodes[2];
        var healthy = nodes.Take(2).ToList();
        try
        {
            // The window: readiness every 50 ms until the first 503 naming the clock, then with the
            // statuses every second (incarnation, restarts, the healthy nodes' leader and term).
            var nextSample = TimeSpan.Zero;
            while (sinceStart.Elapsed < window)
            {
                var ready = await skewed.ReadinessAsync();
                r.CountReadiness(ready, sinceStart.Elapsed);
                if (sinceStart.Elapsed >= nextSample)
                {
                    nextSample = sinceStart.Elapsed + Sample;
                    await SampleStatuses(r, skewed, healthy, sinceStart.Elapsed);
                }

                await Task.Delay(r.NotReadyMs is null ? FastPoll : Sample);
            }

            (r.ErrorLineMs, r.ErrorLine, r.ErrorLinesInWindow) = lines.Snapshot();

            // NTP is fixed: offset 0, then readiness 200 and clock.in_sync, each timed from the write.
            ClockShiftTool.Set(offsetFile, 0);
            var sinceFix = Stopwatch.StartNew();
            nextSample = TimeSpan.Zero;
            while (sinceFix.Elapsed < Timeout && (r.BackReadyMs is null || r.BackInSyncMs is null))
            {
                if (r.BackReadyMs is null && await skewed.ReadinessAsync() is { Code: HttpStatusCode.OK })
                {
                    r.BackReadyMs = sinceFix.Elapsed.TotalMilliseconds;
                }

                if (r.BackInSyncMs is null && await skewed.StatusAsync() is { } s && s.TryGetProperty("clock", out var c)
                    && c.ValueKind == JsonValueKind.Object && c.GetProperty("in_sync").GetBoolean())
                {
                    r.BackInSyncMs = sinceFix.Elapsed.TotalMilliseconds;
                }

                if (sinceFix.Elapsed >= nextSample)
                {
                    nextSample = sinceFix.Elapsed + Sample;
                    await SampleStatuses(r, skewed, healthy, sinceStart.Elapsed);
                }

                await Task.Delay(FastPoll);
            }

            await SampleStatuses(r, skewed, healthy, sinceStart.Elapsed);
            r.Exited = skewed.HasExited;
            return r;
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }

    private static async Task SampleStatuses(SkewRun r, NodeProcess skewed, List<NodeProcess> healthy, TimeSpan at)
    {
        var statuses = await Task.WhenAll(healthy.Append(skewed).Select(n => n.StatusAsync()));
        if (statuses[2] is { } s)
        {
            r.Incarnations.Add(s.GetProperty("incarnation").GetInt64());
            r.MaxRestarts = Math.Max(r.MaxRestarts, s.GetProperty("restarts").GetProperty("count").GetInt32());
        }

        r.ObserveHealthy(statuses.Take(2).Select(st => st is { } v
            ? (v.GetProperty("leader").GetString(), v.GetProperty("term").GetInt64())
            : ((string?)null, -1L)).ToList(), at);
    }

    /// <summary>
    /// Three nodes listing each other, node i on the i-th lowest port; the third gets <paramref name="env"/>
    /// and <paramref name="onLine"/>, and <paramref name="sinceThirdStart"/> starts just before it does.
    /// </summary>
    private static List<NodeProcess> StartThree(string dir, IReadOnlyDictionary<string, string>? env, Action<string>? onLine, Stopwatch sinceThirdStart)
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).OrderBy(p => p.Port).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = new List<NodeProcess>();
        for (var i = 0; i < 3; i++)
        {
            if (i == 2)
            {
                sinceThirdStart.Start();
            }

            nodes.Add(NodeProcess.Start($"node{i + 1}", ports[i].Port, ports[i].Http, Path.Combine(dir, $"n{i}"), peers,
                environment: i == 2 ? env : null, onLine: i == 2 ? onLine : null));
        }

        return nodes;
    }

    private static void Summarise(List<double> baselines, List<SkewRun> runs, TimeSpan window)
    {
        Console.WriteLine();
        Console.WriteLine($"summary over {baselines.Count} run(s), window {window.TotalMinutes:0.##} min; times from the third process's start (recovery: from writing offset 0)");
        Console.WriteLine($"  baseline (no shift) -> readiness 200: {Stats(baselines)}");
        foreach (var offset in new[] { ShiftMs, -ShiftMs })
        {
            var rs = runs.Where(r => r.OffsetMs == offset).ToList();
            Console.WriteLine($"  {offset:+0;-0} ms:");
            Console.WriteLine($"    first clock error line:            {Stats(rs.Select(r => r.ErrorLineMs ?? double.NaN))}");
            Console.WriteLine($"    readiness 503 with a clock reason: {Stats(rs.Select(r => r.NotReadyMs ?? double.NaN))}");
            Console.WriteLine($"    incarnations in the window:        {string.Join(", ", rs.Select(r => r.Incarnations.Count))} (goal 1); restarts.count max {rs.Max(r => r.MaxRestarts)}");
            Console.WriteLine($"    ready (200) before the 503, first 200 -> 503: {Stats(rs.Select(r => r.ReadyBeforeNotReadyMs))}");
            Console.WriteLine($"    healthy two kept one leader and term: {rs.Count(r => r.HealthyKept)} of {rs.Count}");
            Console.WriteLine($"    offset 0 -> readiness 200:         {Stats(rs.Select(r => r.BackReadyMs ?? double.NaN))}");
            Console.WriteLine($"    offset 0 -> clock.in_sync:         {Stats(rs.Select(r => r.BackInSyncMs ?? double.NaN))}");
        }
    }

    private static string Stats(IEnumerable<double> values)
    {
        var all = values.ToList();
        var xs = all.Where(v => !double.IsNaN(v)).ToList();
        var missing = all.Count - xs.Count;
        return xs.Count == 0 ? $"none of {all.Count}"
            : $"median {Ms(Samples.Median(xs))}, min {Ms(xs.Min())}, max {Ms(xs.Max())} ({string.Join(", ", xs.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} ms)"
              + (missing > 0 ? $"; {missing} never" : "");
    }

    internal static string Ms(double ms) => double.IsNaN(ms) ? "never" : $"{ms:F0} ms";

    private static bool TryArg(string[] args, int i, double fallback, out double value)
    {
        value = fallback;
        return args.Length <= i || double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The skewed node's clock error lines as they arrive (reader threads), timed from its start.</summary>
    private sealed class ErrorLines(Stopwatch sinceStart)
    {
        private readonly Lock _lock = new();
        private double? _firstMs;
        private string? _first;
        private int _count;

        public void Add(string line)
        {
            if (!SkewLine().IsMatch(line))
            {
                return;
            }

            lock (_lock)
            {
                _count++;
                if (_first is null)
                {
                    _firstMs = sinceStart.Elapsed.TotalMilliseconds;
                    _first = line;
                }
            }
        }

        public (double? FirstMs, string? First, int Count) Snapshot()
        {
            lock (_lock)
            {
                return (_firstMs, _first, _count);
            }
        }
    }

    [GeneratedRegex(@"clock is \d+ ms (ahead of|behind) the majority of the cluster")]
    private static partial Regex SkewLine();
}
