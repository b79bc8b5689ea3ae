using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>
/// Issue 12 with real processes: three nodes, one whose wall clock is really off (the clockshift
/// shim), once 3 s ahead and once 3 s behind, once as the lowest address (first in the peers
/// order): the other two form or keep a cluster with a leader; the skewed node says why it is not
/// ready, is never restarted, and is ready again within seconds of its clock being fixed.
/// </summary>
[Collection(ProcessCollection.Second)]
public sealed partial class ClockSkewProcessTests
{
    private const double ToleranceMs = 700;
    /// <summary>Formation and each verdict: 30 s was once too short under a load average of 22 (the formation).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>How long the skewed node is watched for a restart, from its start.</summary>
    private static readonly TimeSpan NeverRestartedFor = TimeSpan.FromSeconds(30);

    /// <summary>The issue asks for 10 s; the bound allows for a loaded 2-core machine.</summary>
    private static readonly TimeSpan BackInSyncBound = TimeSpan.FromSeconds(20);

    [ClockShiftFact]
    public Task A_node_3_s_ahead_is_isolated_not_restarted_and_ready_again_once_its_clock_is_fixed() =>
        SkewedNodeIsIsolatedAndRecovers(offsetMs: 3000, skewedIsLowest: false);

    [ClockShiftFact]
    public Task A_node_3_s_behind_is_isolated_not_restarted_and_ready_again_once_its_clock_is_fixed() =>
        SkewedNodeIsIsolatedAndRecovers(offsetMs: -3000, skewedIsLowest: false);

    [ClockShiftFact]
    public Task When_the_lowest_address_is_3_s_ahead_the_other_two_form_the_cluster_and_it_joins_once_its_clock_is_fixed() =>
        SkewedNodeIsIsolatedAndRecovers(offsetMs: 3000, skewedIsLowest: true);

    [ClockShiftFact]
    public async Task With_on_skew_stop_a_node_3_s_ahead_exits_with_code_3_and_one_line_after_the_grace()
    {
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: FreePorts.Next(), Http: FreePorts.Next())).OrderBy(p => p.Port).ToList();
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var offsetFile = dir.Sub("clock-offset");
        ClockShift.Set(offsetFile, TimeSpan.FromSeconds(3));
        var config = dir.Sub("stop.conf");
        await File.WriteAllTextAsync(config, "solidb.clock.on-skew = stop\nsolidb.clock.skew-grace = 2s\n");
        await using var cluster = ProcessCluster.StartWithEnvironment(ports, i => i == 2 ? ClockShift.Environment(offsetFile) : null, "--config", config);
        var skewed = cluster.Nodes[2];

        Assert.Equal(3, await skewed.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var errors = skewed.StdErr.Split('\n').Where(l => l.StartsWith("solidb: error:", StringComparison.Ordinal)).ToList();
        Assert.Matches(@"^solidb: error: clock is \d+ ms ahead of the majority of the cluster \(max offset 500 ms\): fix time synchronisation on this host; stopped \(solidb.clock.on-skew = stop\)$",
            Assert.Single(errors).TrimEnd('\r'));
        Assert.DoesNotContain("   at ", skewed.StdErr); // no stack trace
        // The healthy two keep a leader of their own.
        await Until.True(async () => (await Task.WhenAll(cluster.Nodes.Take(2).Select(n => n.TryStatusAsync())))
            .Select(st => st is { } v ? Leader(v) : null).Distinct().SingleOrDefault(l => l is not null) is { } l && l != ProcessCluster.NodeIdOf(2), Bound);
    }

    private static async Task SkewedNodeIsIsolatedAndRecovers(int offsetMs, bool skewedIsLowest)
    {
        // Node i gets the i-th lowest port: node 0 is first in every node's peers order.
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: FreePorts.Next(), Http: FreePorts.Next())).OrderBy(p => p.Port).ToList();
        var skewedIndex = skewedIsLowest ? 0 : 2;
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var offsetFile = dir.Sub("clock-offset");
        ClockShift.Set(offsetFile, TimeSpan.FromMilliseconds(offsetMs));
        var sinceStart = Stopwatch.StartNew();
        await using var cluster = ProcessCluster.StartWithEnvironment(ports, i => i == skewedIndex ? ClockShift.Environment(offsetFile) : null);
        var skewed = cluster.Nodes[skewedIndex];
        var skewedId = ProcessCluster.NodeIdOf(skewedIndex);
        var healthy = cluster.Nodes.Where((_, i) => i != skewedIndex).ToList();
        var healthyIds = Enumerable.Range(0, 3).Where(i => i != skewedIndex).Select(ProcessCluster.NodeIdOf).ToList();
        // From its start until it says its clock is off, the skewed node must never answer ready.
        var readyBeforeVerdict = Until.Async(() => ReadinessAsync(skewed),
            r => r.Code == HttpStatusCode.OK || (r.Code == HttpStatusCode.ServiceUnavailable && r.Reason.Contains("the majority of the cluster (max offset")),
            Bound, TimeSpan.FromMilliseconds(100));

        // The healthy majority forms a cluster with one leader among them.
        await Until.Async(async () => string.Join(",", (await Task.WhenAll(healthy.Select(n => n.TryStatusAsync())))
                .Select(s => s is { } v ? Leader(v) ?? "no leader" : "no answer")),
            leaders => leaders.Split(',') is var ls && ls.All(healthyIds.Contains) && ls.Distinct().Count() == 1, Bound);

        // The skewed node says why: readiness 503 naming the clock, the status' clock object, one log line.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await readyBeforeVerdict).Code);
        await Until.Async(() => ReadinessAsync(skewed), r => r.Code == HttpStatusCode.ServiceUnavailable && r.Reason.Contains("clock"), Bound);
        await Until.Async(skewed.TryStatusAsync,
            s => s is { } v && Clock(v) is { InSync: false, OffsetToMajorityMs: { } o } && Math.Abs(o - offsetMs) <= ToleranceMs, Bound);
        var word = offsetMs > 0 ? "ahead" : "behind";
        var line = await Until.Async(() => Task.FromResult(SkewLine().Match(skewed.StdOut + skewed.StdErr)),
            m => m.Success && m.Groups["dir"].Value == word, Bound);
        Assert.InRange(double.Parse(line.Groups["ms"].Value, CultureInfo.InvariantCulture), Math.Abs(offsetMs) - ToleranceMs, Math.Abs(offsetMs) + ToleranceMs);

        // Never restarted: the same process, its first incarnation, and never the healthy nodes' leader.
        while (sinceStart.Elapsed < NeverRestartedFor)
        {
            Assert.False(skewed.HasExited, $"the skewed node exited; stderr: {skewed.StdErr}");
            if (await skewed.TryStatusAsync() is { } s)
            {
                Assert.Equal(1, s.GetProperty("incarnation").GetInt64());
                Assert.Equal(0, s.GetProperty("restarts").GetProperty("count").GetInt32());
            }

            foreach (var h in await Task.WhenAll(healthy.Select(n => n.TryStatusAsync())))
            {
                Assert.NotEqual(skewedId, h is { } v ? Leader(v) : null);
            }

            await Task.Delay(500); // paces the samples; nothing waits on it
        }

        // NTP is fixed: ready again, in sync, Active in one cluster of three, no restart on the way.
        ClockShift.Set(offsetFile, TimeSpan.Zero);
        await Until.Async(() => ReadinessAsync(skewed), r => r.Code == HttpStatusCode.OK, BackInSyncBound);
        var fixedStatus = await skewed.StatusAsync();
        Assert.True(Clock(fixedStatus).InSync);
        Assert.Equal(1, fixedStatus.GetProperty("incarnation").GetInt64());
        await Until.True(cluster.AgreeOnOneLeaderAsync, BackInSyncBound);
    }

    private static string? Leader(JsonElement status) => status.GetProperty("leader").GetString();

    /// <summary>The status' clock object; the offset is null until a peer answered (JSON null, not a number).</summary>
    private static (double? OffsetToMajorityMs, bool InSync) Clock(JsonElement status)
    {
        var clock = status.GetProperty("clock");
        var offset = clock.GetProperty("offset_to_majority_ms");
        return (offset.ValueKind == JsonValueKind.Number ? offset.GetDouble() : null, clock.GetProperty("in_sync").GetBoolean());
    }

    private static async Task<(HttpStatusCode Code, string Reason)> ReadinessAsync(SolidbProcess node)
    {
        try
        {
            using var response = await node.GetAsync("/_api/cluster/health/ready");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var reason = body.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            return (response.StatusCode, reason);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (0, $"no answer: {e.Message}");
        }
    }

    [GeneratedRegex(@"clock is (?<ms>\d+) ms (?<dir>ahead|behind)( of)? the majority of the cluster")]
    private static partial Regex SkewLine();
}
