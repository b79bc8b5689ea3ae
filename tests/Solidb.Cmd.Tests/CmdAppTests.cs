using System.Text.Json;
using Solidb.Cluster.Client.Models;
using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Tests;

/// <summary>solidb-cmd run in-process against a fake node: output, exit codes and the one stderr line of each error.</summary>
public sealed class CmdAppTests : IAsyncLifetime, IDisposable
{
    private readonly string _tokenFile = Path.GetTempFileName();
    private FakeAdminNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await FakeAdminNode.StartAsync();
        _node.Status = TestData.Status();
        File.WriteAllText(_tokenFile, FakeAdminNode.Token + "\n");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => File.Delete(_tokenFile);

    private string Node => _node.Url.ToString();

    private static void AssertOneErrorLine(string err, string contains)
    {
        Assert.StartsWith("solidb-cmd: error: ", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains(contains, err);
    }

    [Fact]
    public async Task Cluster_show_prints_the_header_and_the_members_table()
    {
        var (code, stdout, stderr) = await TestData.Run("cluster", "show", "--node", Node);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(stderr);
        var lines = stdout.Split('\n');
        Assert.StartsWith("term 4, leader n2, quorum yes, voters 3", lines[0]);
        Assert.StartsWith("NODE ID", lines[1]);
        Assert.StartsWith("n2 (leader)", lines[3]);
    }

    [Fact]
    public async Task Json_is_the_node_model_in_its_own_snake_case_form()
    {
        var (code, stdout, _) = await TestData.Run("cluster", "show", "--json", "--node", Node);

        Assert.Equal(ExitCodes.Ok, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("n2", doc.RootElement.GetProperty("leader").GetString());
        Assert.Equal("Unknown", doc.RootElement.GetProperty("members")[2].GetProperty("state").GetString());
        Assert.Equal(2400, doc.RootElement.GetProperty("members")[2].GetProperty("last_heartbeat_ms_ago").GetInt64());
    }

    [Fact]
    public async Task The_first_node_that_answers_is_used()
    {
        var (code, stdout, _) = await TestData.Run("cluster", "status", "--node", TestData.RefusingAddress(), "--node", Node);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("http address              http://127.0.0.1:6746", stdout);
    }

    [Fact]
    public async Task No_node_reachable_is_exit_3_naming_every_address_tried()
    {
        var a = TestData.RefusingAddress();
        var b = TestData.RefusingAddress();

        var (code, stdout, stderr) = await TestData.Run("cluster", "show", "--node", a, "--node", b);

        Assert.Equal(ExitCodes.Unreachable, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, $"no node reachable (tried http://{a}, http://{b})");
        Assert.Contains("connection refused", stderr);
    }

    [Fact]
    public async Task A_node_error_answer_is_exit_1_with_its_error_text()
    {
        _node.Status = null;

        var (code, _, stderr) = await TestData.Run("cluster", "show", "--node", Node);

        Assert.Equal(ExitCodes.CheckFailed, code);
        AssertOneErrorLine(stderr, "503");
        Assert.Contains("no status", stderr);
    }

    [Fact]
    public async Task Health_is_exit_0_when_ready_and_1_with_the_reason_when_not()
    {
        Assert.Equal(ExitCodes.Ok, (await TestData.Run("cluster", "health", "--node", Node)).Code);
        _node.Readiness = new ReadinessResponse("not_ready", "no quorum: 1 of 3 voters reachable", MemberState.Active, false, null);

        var (code, stdout, stderr) = await TestData.Run("cluster", "health", "--node", Node);

        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, "is not ready: no quorum: 1 of 3 voters reachable");
    }

    [Fact]
    public async Task Leader_is_exit_1_when_the_node_knows_none()
    {
        _node.Leader = new LeaderResponse(null, 5, null, false, null);

        var (code, _, stderr) = await TestData.Run("cluster", "leader", "--node", Node);

        Assert.Equal(ExitCodes.CheckFailed, code);
        AssertOneErrorLine(stderr, "no leader known (term 5, quorum no)");
    }

    [Fact]
    public async Task Unreachable_lists_only_Unknown_and_Failed_members()
    {
        var (code, stdout, _) = await TestData.Run("cluster", "unreachable", "--node", Node);

        Assert.Equal(ExitCodes.Ok, code);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("n3 ", lines[1]);
    }

    [Theory]
    [InlineData("hlc", "parse", "nope")]
    [InlineData("hlc", "compare", "000001a2167c41c0-00000000", "000001a2167c41c0-0000000")]
    [InlineData("cluster", "show", "--timeout", "never")]
    [InlineData("cluster", "show", "--node", "ftp://x:1")]
    [InlineData("cluster", "tail", "--types", "member_joined,bogus")]
    [InlineData("cluster", "tail", "--since", "-1")]
    [InlineData("cluster", "down", "bad id!")]
    [InlineData("cluster", "show", "--tls-ca", "/nonexistent/ca.pem")]
    public async Task Usage_errors_are_exit_2_with_one_line(params string[] args)
    {
        var (code, stdout, stderr) = await TestData.Run(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, "");
    }

    [Fact]
    public async Task Hlc_compare_says_which_is_earlier()
    {
        var (code, stdout, _) = await TestData.Run("hlc", "compare", "000001a2167c41c0-00000002", "000001a2167c41c1-00000000");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("000001a2167c41c0-00000002 is earlier than 000001a2167c41c1-00000000\n", stdout);
    }

    [Fact]
    public async Task An_admin_command_without_a_token_file_goes_without_a_token_and_the_401_says_where_the_token_goes()
    {
        var (code, stdout, stderr) = await TestData.Run("cluster", "down", "n3", "--node", Node);

        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, "401 Unauthorized: missing or wrong admin token (an admin command: give the admin token's file with --token-file");
        Assert.Equal("POST /_api/cluster/members/n3/down bearer=-", _node.Requests.Single());
    }

    [Fact]
    public async Task Down_sends_the_bearer_token_from_the_file_to_the_members_down_endpoint()
    {
        var (code, stdout, stderr) = await TestData.Run("cluster", "down", "n3", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(stderr);
        Assert.Equal($"POST /_api/cluster/members/n3/down bearer={FakeAdminNode.Token}", _node.Requests.Single());
        Assert.Contains("status=downed node_id=n3", stdout);
    }

    [Fact]
    public async Task The_token_file_may_come_from_the_environment()
    {
        var env = new Dictionary<string, string> { ["SOLIDB_ADMIN_TOKEN_FILE"] = _tokenFile };
        _node.Status = TestData.Status(leader: "n1");

        var (code, _, _) = await TestData.Run(env, "cluster", "transfer-leadership", "n2", "--node", Node);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal($"POST /_api/cluster/leader/transfer?to=n2 bearer={FakeAdminNode.Token}", _node.Requests.Last());
    }

    [Fact]
    public async Task A_wrong_token_is_exit_1_with_the_node_error_and_never_shows_the_token()
    {
        File.WriteAllText(_tokenFile, "wrong-token-value");

        var (code, stdout, stderr) = await TestData.Run("cluster", "leave", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, "401 Unauthorized: missing or wrong admin token");
        Assert.DoesNotContain("wrong-token-value", stderr);
    }

    [Fact]
    public async Task No_quorum_is_exit_1_with_the_reason()
    {
        _node.NoQuorum = true;
        _node.Status = TestData.Status(leader: null);

        var (code, _, stderr) = await TestData.Run("cluster", "transfer-leadership", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.CheckFailed, code);
        AssertOneErrorLine(stderr, "409 Conflict: this node has no quorum: 1 of 3 voters reachable");
        Assert.Equal($"POST /_api/cluster/leader/transfer bearer={FakeAdminNode.Token}", _node.Requests.Last());
    }

    /// <summary>The status names a leader and a member whose announced HTTP address is another node: nothing may go there.</summary>
    [Theory]
    [InlineData("POST /_api/cluster/leader/transfer?to=n1", "cluster", "transfer-leadership", "n1")]
    [InlineData("POST /_api/cluster/leader/transfer", "cluster", "transfer-leadership")]
    [InlineData("POST /_api/cluster/members/n2/leave", "cluster", "leave", "n2")]
    [InlineData("POST /_api/cluster/leave", "cluster", "leave")]
    [InlineData("POST /_api/cluster/members/n2/down", "cluster", "down", "n2")]
    public async Task Admin_commands_send_the_token_only_to_the_given_node_never_to_an_address_learnt_from_the_cluster(string expected, params string[] command)
    {
        await using var learnt = await FakeAdminNode.StartAsync();
        _node.Status = TestData.Status(leader: "n2",
            members: [TestData.Member("n1", MemberState.Active, http: Node), TestData.Member("n2", MemberState.Active, http: learnt.Url.ToString())]);

        string[] args = [.. command, "--node", Node, "--token-file", _tokenFile];
        var (code, _, stderr) = await TestData.Run(args);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Empty(stderr);
        Assert.Equal([$"{expected} bearer={FakeAdminNode.Token}"], _node.Requests);
        Assert.Empty(learnt.Requests);
    }

    [Fact]
    public async Task A_redirect_from_the_node_is_not_followed_so_the_token_stays_with_the_given_node()
    {
        await using var elsewhere = await FakeAdminNode.StartAsync();
        _node.RedirectTo = elsewhere.Url;

        var (code, _, stderr) = await TestData.Run("cluster", "transfer-leadership", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.CheckFailed, code);
        AssertOneErrorLine(stderr, "307");
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Leave_of_a_named_member_asks_the_given_node_to_forward_it()
    {
        _node.Status = TestData.Status(members: [TestData.Member("n1", MemberState.Active, http: Node), TestData.Member("n2", MemberState.Active)]);

        var (code, stdout, _) = await TestData.Run("cluster", "leave", "n2", "--json", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("n2", JsonDocument.Parse(stdout).RootElement.GetProperty("node_id").GetString());
        Assert.Equal([$"POST /_api/cluster/members/n2/leave bearer={FakeAdminNode.Token}"], _node.Requests);
    }

    [Fact]
    public async Task Leave_of_a_node_that_is_not_a_member_is_exit_1_with_the_nodes_404()
    {
        _node.Status = TestData.Status(members: [TestData.Member("n1", MemberState.Active, http: Node)]);

        var (code, _, stderr) = await TestData.Run("cluster", "leave", "n9", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.CheckFailed, code);
        AssertOneErrorLine(stderr, "404 Not Found: no member has node id n9");
    }

    [Fact]
    public async Task Admin_to_an_unreachable_node_is_exit_3()
    {
        var a = TestData.RefusingAddress();

        var (code, _, stderr) = await TestData.Run("cluster", "down", "n3", "--node", a, "--token-file", _tokenFile);

        Assert.Equal(ExitCodes.Unreachable, code);
        AssertOneErrorLine(stderr, $"no node reachable (tried http://{a})");
    }

    [Fact]
    public async Task Node_metrics_prints_the_exposition_and_its_samples_as_json()
    {
        var (code, stdout, _) = await TestData.Run("node", "metrics", "--node", Node);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(_node.Metrics, stdout);

        var (_, json, _) = await TestData.Run("node", "metrics", "--json", "--node", Node);
        var samples = JsonDocument.Parse(json).RootElement;
        Assert.Equal("solidb_members", samples[1].GetProperty("name").GetString());
        Assert.Equal("Active", samples[1].GetProperty("labels").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Reads_carry_the_token_only_when_a_token_file_is_configured()
    {
        await TestData.Run("cluster", "status", "--node", Node);
        await TestData.Run("node", "metrics", "--node", Node, "--token-file", _tokenFile);

        Assert.Equal(["GET /_api/cluster/status bearer=-", $"GET /metrics bearer={FakeAdminNode.Token}"], _node.Requests);
    }

    [Fact]
    public async Task Help_is_exit_0_on_stdout()
    {
        var (code, stdout, stderr) = await TestData.Run("cluster", "down", "--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.StartsWith("usage: solidb-cmd cluster down <node>", stdout);
        Assert.Empty(stderr);
    }
}
