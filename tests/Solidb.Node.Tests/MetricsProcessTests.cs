using System.Diagnostics;
using Solidb.Node.Tests.Harness;
using Solidb.Node.Tests.Metrics;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>GET /metrics of real processes: promtool accepts it, and it follows a follower's death.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MetricsProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_metrics_of_3_nodes_pass_promtool_and_show_a_killed_follower_suspected_then_failed()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);

        // Every node: valid for promtool, three Active members, one leader among them, round trips measured.
        var scrapes = (await Until.Async(() => ScrapeAllAsync(cluster.Nodes),
            all => all.All(s => s is not null && s.Families.TryGetValue("solidb_heartbeat_round_trip_seconds", out var rtt) && rtt.Value(suffix: "_count") > 0
                && s.Families["solidb_members"].Value("state", "Active") == 3), Bound)).Select(s => s!).ToArray();
        foreach (var scrape in scrapes)
        {
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scrape.ContentType);
            var (code, output) = await PromtoolAsync(scrape.Text);
            Assert.True(code == 0, $"promtool check metrics failed ({code}): {output}\n{scrape.Text}");
            Assert.Equal((3, 1), (scrape.Families["solidb_voters"].Value(), scrape.Families["solidb_failure_tolerance"].Value()));
        }

        Assert.Equal(1, scrapes.Sum(s => s.Families["solidb_is_leader"].Value()));
        var leader = Array.FindIndex(scrapes, s => s.Families["solidb_is_leader"].Value() == 1);
        var follower = Enumerable.Range(0, 3).First(i => i != leader);
        var survivors = Enumerable.Range(0, 3).Where(i => i != follower).Select(i => cluster.Nodes[i]).ToList();
        var missedBefore = scrapes[leader].Families["solidb_missed_heartbeats_total"].Value();

        cluster.Nodes[follower].Kill();

        // The members by state move through Unknown (suspicion lasts ~3 heartbeat intervals) and
        // the counters move: suspicions raised, failures confirmed (by either survivor, or the
        // other survivor downs it first), missed heartbeats.
        var suspected = false;
        var after = (await Until.Async(async () =>
        {
            var all = await ScrapeAllAsync(survivors);
            suspected |= all.Any(s => s is not null && s.Families["solidb_members"].Value("state", "Unknown") + s.Families["solidb_members"].Value("state", "Failed") >= 1);
            return all;
        }, all => suspected && all.All(s => s is not null) && all.Sum(s => s!.Families["solidb_failures_confirmed_total"].Value()) >= 1
            && all.All(s => s!.Families["solidb_members"].Value("state", "Active") == 2), Bound, TimeSpan.FromMilliseconds(100))).Select(s => s!).ToList();

        Assert.True(after.Sum(s => s.Families["solidb_suspicions_raised_total"].Value()) >= 1);
        var leaderAfter = after[survivors.IndexOf(cluster.Nodes[leader])];
        Assert.True(leaderAfter.Families["solidb_missed_heartbeats_total"].Value() > missedBefore);
        Assert.Equal(1, leaderAfter.Families["solidb_is_leader"].Value());
        foreach (var scrape in after)
        {
            var (code, output) = await PromtoolAsync(scrape.Text);
            Assert.True(code == 0, $"promtool check metrics failed ({code}): {output}\n{scrape.Text}");
        }
    }

    [Fact]
    public async Task Killing_the_leader_makes_the_new_leader_record_its_election_from_pre_vote_to_leader()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var before = (await Until.Async(() => ScrapeAllAsync(cluster.Nodes), all => all.All(s => s?.Families.ContainsKey("solidb_is_leader") == true), Bound))
            .Select(s => s!).ToArray();
        var leader = Array.FindIndex(before, s => s.Families["solidb_is_leader"].Value() == 1);
        var term = before[leader].Families["solidb_term"].Value();
        var survivors = cluster.Nodes.Where((_, i) => i != leader).ToList();

        cluster.Nodes[leader].Kill();

        // A node that forms the cluster alone is a majority by itself and leads without asking anyone (nothing to
        // record); the new leader here needs a survivor's vote: it pre-votes, stands and wins, and records how long.
        var after = await Until.Async(() => ScrapeAllAsync(survivors),
            all => all.Any(s => s is not null && s.Families["solidb_is_leader"].Value() == 1 && s.Families["solidb_term"].Value() > term), Bound);
        var elected = after.Single(s => s is not null && s.Families["solidb_is_leader"].Value() == 1)!;
        var durations = elected.Families["solidb_election_duration_seconds"];
        Assert.True(durations.Value(suffix: "_count") >= 1 && durations.Value(suffix: "_sum") > 0, elected.Text);
        Assert.True(elected.Families["solidb_pre_votes_started_total"].Value() >= 1);
        Assert.True(elected.Families["solidb_elections_started_total"].Value() >= 1);
        var (code, output) = await PromtoolAsync(elected.Text);
        Assert.True(code == 0, $"promtool check metrics failed ({code}): {output}\n{elected.Text}");
    }

    private sealed record Scrape(string Text, string? ContentType, Dictionary<string, Exposition.Family> Families);

    /// <summary>Each node's scrape, null for a node that did not answer in time (a loaded machine); a malformed exposition throws.</summary>
    private static Task<Scrape?[]> ScrapeAllAsync(IEnumerable<SolidbProcess> nodes) => Task.WhenAll(nodes.Select(async node =>
    {
        try
        {
            using var response = await node.GetAsync("/metrics");
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync();
            return new Scrape(text, response.Content.Headers.ContentType?.ToString(), Exposition.Parse(text));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }));

    /// <summary>`promtool check metrics` on the exposition (stdin); .ci/run installs Debian's prometheus package for it.</summary>
    private static async Task<(int Code, string Output)> PromtoolAsync(string exposition)
    {
        var start = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("promtool is not on PATH (apt-get install -y --no-install-recommends prometheus; .ci/run does)", e);
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(exposition);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
