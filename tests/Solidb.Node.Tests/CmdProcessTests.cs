using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>The real solidb-cmd process against real nodes: output, exit codes, the event tail, the error paths.</summary>
[Collection(ProcessCollection.Name)]
public sealed class CmdProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static string Node(SolidbProcess p) => $"127.0.0.1:{p.HttpPort}";

    private static void AssertOneErrorLine(string stderr)
    {
        Assert.StartsWith("solidb-cmd: error: ", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Cluster_show_and_tail_see_a_killed_follower_go_Unknown_then_Failed()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var leader = (await cluster.Nodes[0].StatusAsync()).GetProperty("leader").GetString()!;
        var watcher = cluster.Nodes.Select((n, i) => (n, i)).First(x => ProcessCluster.NodeIdOf(x.i) == leader).n;
        var followerIndex = Enumerable.Range(0, 3).First(i => ProcessCluster.NodeIdOf(i) != leader);
        var follower = ProcessCluster.NodeIdOf(followerIndex);

        var (code, text, err) = await CmdProcess.RunAsync("cluster", "show", "--node", Node(watcher));
        Assert.True(code == 0, err);
        var lines = text.Split('\n');
        Assert.StartsWith($"term ", lines[0]);
        Assert.Contains($"leader {leader}, quorum yes, voters 3, failure tolerance 1", lines[0]);
        Assert.StartsWith("NODE ID", lines[1]);
        Assert.Contains(lines, l => l.StartsWith($"{leader} (leader) (this)", StringComparison.Ordinal) && l.Contains("Active", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.StartsWith("node", StringComparison.Ordinal) && l.Contains(" Active ", StringComparison.Ordinal) && !l.Contains("(leader)", StringComparison.Ordinal)));

        var (jsonCode, json, _) = await CmdProcess.RunAsync("cluster", "show", "--json", "--node", Node(watcher));
        Assert.Equal(0, jsonCode);
        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal(leader, doc.RootElement.GetProperty("leader").GetString());
            Assert.Equal(3, doc.RootElement.GetProperty("members").GetArrayLength());
        }

        await using var tail = CmdProcess.Start("cluster", "tail", "--types", "member_state_changed", "--node", Node(watcher));
        await Until.Async(() => Task.FromResult(tail.StdOut), o => o.Contains(" snapshot ", StringComparison.Ordinal), Bound);

        cluster.Nodes[followerIndex].Kill();

        await Until.Async(() => Task.FromResult(tail.StdOut),
            o => o.Contains($"member_state_changed {follower} Unknown -> Failed", StringComparison.Ordinal), Bound);
        var unknownAt = tail.StdOut.IndexOf($"member_state_changed {follower} Active -> Unknown", StringComparison.Ordinal);
        Assert.True(unknownAt >= 0 && unknownAt < tail.StdOut.IndexOf($"{follower} Unknown -> Failed", StringComparison.Ordinal), tail.StdOut);

        Signals.Send(tail.Pid, CmdProcess.SigInt);
        Assert.Equal(0, await tail.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal("", tail.StdErr);
    }

    [Fact]
    public async Task Cluster_leader_names_the_new_leader_after_the_leader_is_killed()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var (code, json, _) = await CmdProcess.RunAsync("cluster", "leader", "--json", "--node", Node(cluster.Nodes[0]));
        Assert.Equal(0, code);
        var old = JsonDocument.Parse(json).RootElement.GetProperty("leader").GetString()!;
        var oldIndex = Enumerable.Range(0, 3).Single(i => ProcessCluster.NodeIdOf(i) == old);
        var survivors = cluster.Nodes.Where((_, i) => i != oldIndex).ToList();

        cluster.Nodes[oldIndex].Kill();

        // Both survivors are asked (the killed leader's address first: it is tried and skipped).
        string[] args = ["cluster", "leader", "--node", Node(cluster.Nodes[oldIndex]), "--node", Node(survivors[0]), "--node", Node(survivors[1])];
        var (newCode, text, err) = await Until.Async(() => CmdProcess.RunAsync(args),
            r => r.Code == 0 && !r.Out.Contains($"leader         {old}", StringComparison.Ordinal), Bound);
        Assert.Equal("", err);
        Assert.Matches(@"^leader\s+node[1-3]\n", text);
        Assert.DoesNotContain(old, text.Split('\n')[0]);
    }

    [Fact]
    public async Task Admin_commands_need_the_token_and_move_leadership_down_a_member_and_make_one_leave()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var tokenFile = dir.Sub("admin-token");
        await File.WriteAllTextAsync(tokenFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        await using var cluster = ProcessCluster.Start(3, "--admin-token-file", tokenFile);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        await cluster.EstablishedAsync(Bound); // a down and a leave take it to 1 of 3 configured nodes
        var first = await cluster.Nodes[0].StatusAsync();
        var (leader, term) = (first.GetProperty("leader").GetString()!, first.GetProperty("term").GetInt64());
        int IndexOf(string id) => int.Parse(id["node".Length..]) - 1;
        var followers = Enumerable.Range(0, 3).Select(ProcessCluster.NodeIdOf).Where(id => id != leader).ToList();
        var (heir, downed) = (followers[0], followers[1]);
        string At(string id) => Node(cluster.Nodes[IndexOf(id)]);

        // Without the token: the node's 401, one line, exit 1, and nothing happens.
        var (code, stdout, stderr) = await CmdProcess.RunAsync("cluster", "down", downed, "--node", At(heir));
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr);
        Assert.Contains("401 Unauthorized", stderr);
        Assert.Contains("--token-file", stderr);

        // Transfer asked through a follower: the command posts only to that follower, which forwards it to the leader over
        // the cluster's transport; the heir leads in a higher term.
        (code, stdout, stderr) = await CmdProcess.RunAsync("cluster", "transfer-leadership", heir, "--node", At(downed), "--token-file", tokenFile);
        Assert.True(code == 0, stderr);
        Assert.Contains("status=transferring", stdout);
        await Until.Async(cluster.StatusesAsync,
            all => all.All(s => s?.GetProperty("leader").GetString() == heir && s.Value.GetProperty("term").GetInt64() > term), Bound);
        Assert.Contains($"Admin audit: leadership transfer to {heir} on node {downed} from 127.0.0.1:", cluster.Nodes[IndexOf(downed)].StdOut);
        Assert.Contains($"Leadership transfer to {heir} requested by the operator via {downed}", cluster.Nodes[IndexOf(leader)].StdOut);
        Assert.DoesNotContain("Admin audit", cluster.Nodes[IndexOf(leader)].StdOut); // no HTTP request reached the leader

        // Down through the old leader, now a follower: forwarded to the heir; the downed process ends with exit 4.
        (code, stdout, stderr) = await CmdProcess.RunAsync("cluster", "down", downed, "--node", At(leader), "--token-file", tokenFile);
        Assert.True(code == 0, stderr);
        Assert.Contains($"status=downed node_id={downed}", stdout);
        Assert.Equal(4, await cluster.Nodes[IndexOf(downed)].WaitForExitAsync(Bound));

        // Leave of a named member, asked through another: forwarded over the cluster's transport; that member leaves and exits 0.
        (code, stdout, stderr) = await CmdProcess.RunAsync("cluster", "leave", leader, "--node", At(heir), "--token-file", tokenFile);
        Assert.True(code == 0, stderr);
        Assert.Contains($"status=leaving node_id={leader}", stdout);
        Assert.Equal(0, await cluster.Nodes[IndexOf(leader)].WaitForExitAsync(Bound));
        Assert.Contains($"Leaving the cluster gracefully (requested by the operator via {heir})", cluster.Nodes[IndexOf(leader)].StdOut);
        Assert.DoesNotContain("Admin audit: leave", cluster.Nodes[IndexOf(leader)].StdOut);
        await Until.Async(cluster.Nodes[IndexOf(heir)].TryStatusAsync,
            s => s?.GetProperty("members").GetArrayLength() == 1 && s.Value.GetProperty("leader").GetString() == heir, Bound);
    }

    [Fact]
    public async Task Every_error_path_is_one_line_with_its_exit_code()
    {
        var refused = $"127.0.0.1:{FreePorts.Next()}";
        var (code, stdout, stderr) = await CmdProcess.RunAsync("cluster", "show", "--node", refused);
        Assert.Equal(3, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr);
        Assert.Contains($"no node reachable (tried http://{refused})", stderr);

        (code, _, stderr) = await CmdProcess.RunAsync("cluster", "shwo");
        Assert.Equal(2, code);
        AssertOneErrorLine(stderr);

        (code, _, stderr) = await CmdProcess.RunAsync("hlc", "compare", "a", "b");
        Assert.Equal(2, code);
        AssertOneErrorLine(stderr);

        // A node whose two peers never come cannot form a cluster: it answers, not ready.
        using var dir = new TempDir();
        await using var lonely = SolidbProcess.Start(["--node-id", "node1", "--cluster-peers", $"127.0.0.1:{FreePorts.Next()},127.0.0.1:{FreePorts.Next()}"], dir.Sub("n1"));
        await Until.Async(lonely.TryStatusAsync, s => s is not null, Bound);
        (code, stdout, stderr) = await CmdProcess.RunAsync("cluster", "health", "--node", Node(lonely));
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr);
        Assert.Contains("is not ready: ", stderr);

        (code, _, stderr) = await CmdProcess.RunAsync("cluster", "leader", "--node", Node(lonely));
        Assert.Equal(1, code);
        AssertOneErrorLine(stderr);
    }
}
