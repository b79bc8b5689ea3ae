using Solidb.Cmd.Commands;

namespace Solidb.Cmd.Cli;

/// <summary>Every command of solidb-cmd (docs/cli.md).</summary>
public static class CommandCatalog
{
    private static readonly ArgSpec OptionalNode = new("node", false, "a member's node id");

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new(["cluster", "show"], "members (state, incarnation, last heartbeat, round trip, clock offset, observed by), the leader marked, term and quorum", [], [], ClusterCommands.ShowAsync),
        new(["cluster", "status"], "this node: state, leader, term, quorum, clock, restarts", [], [], ClusterCommands.StatusAsync),
        new(["cluster", "leader"], "the leader this node knows and its fencing token (exit 1 when there is none)", [], [], ClusterCommands.LeaderAsync),
        new(["cluster", "unreachable"], "only the members that are Unknown or Failed", [], [], ClusterCommands.UnreachableAsync),
        new(["cluster", "health"], "exit 0 when the node is ready; 1 with the reason when not", [], [], ClusterCommands.HealthAsync),
        new(["cluster", "tail"], "live events, one line each, resuming across reconnects; Ctrl-C ends it",
            [],
            [
                new("--since", "SEQ", "start after this event seq of the node's current incarnation (default: a snapshot first)"),
                new("--types", "LIST", "only these event types, comma-separated: member_joined, member_state_changed, member_removed, leader_changed, suspicion_raised, suspicion_refuted, clock_skew (snapshot and reset always come)"),
            ],
            TailCommand.RunAsync),
        new(["cluster", "leave"], "admin: the node asked (or the given member) leaves the cluster gracefully", [OptionalNode], [], AdminCommands.LeaveAsync),
        new(["cluster", "down"], "admin: the leader downs the given member", [new("node", true, "the member's node id")], [], AdminCommands.DownAsync),
        new(["cluster", "transfer-leadership"], "admin: the leader hands leadership to the given member (or a live voter of its choice)", [OptionalNode], [], AdminCommands.TransferLeadershipAsync),
        new(["hlc", "now"], "a fresh HLC timestamp of the node, taken apart", [], [], HlcCommands.NowAsync),
        new(["hlc", "parse"], "an HLC timestamp taken apart: ISO time, logical counter, hex", [new("timestamp", true, "e.g. 000001a2167c41c0-00000000")], [], HlcCommands.ParseAsync),
        new(["hlc", "compare"], "which of two HLC timestamps is earlier", [new("a", true, "a timestamp"), new("b", true, "another timestamp")], [], HlcCommands.CompareAsync),
        new(["node", "stats"], "this node's counters since its process started", [], [], NodeCommands.StatsAsync),
        new(["node", "metrics"], "this node's Prometheus metrics (GET /metrics)", [], [], NodeCommands.MetricsAsync),
    ];
}
