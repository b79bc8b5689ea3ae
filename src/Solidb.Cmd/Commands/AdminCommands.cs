using System.Text.Json;
using Solidb.Cluster.Client.Models;
using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Commands;

/// <summary>
/// The admin commands (the token is sent as <c>Authorization: Bearer</c>): leave, down, transfer-leadership.
/// A refusal (401 no or wrong token, 403 cross-site, 409 no quorum, ...) is exit 1 with the node's error text.
/// </summary>
public static class AdminCommands
{
    /// <summary>Without a node, the node asked leaves; with one, that member's own HTTP address (from the status) is asked.</summary>
    public static async Task<int> LeaveAsync(CommandContext ctx)
    {
        IReadOnlyList<Uri> targets = ctx.Session.Nodes;
        if (ctx.Argument(0) is { } node)
        {
            CheckNodeId(node);
            var status = await ctx.Session.StatusAsync(ctx.Cancellation);
            targets = [HttpAddressOf(status, node, "leave")];
        }

        var (answered, body) = await ctx.Session.PostAsync(targets, "_api/cluster/leave", ctx.Cancellation);
        Print(ctx, answered, body);
        return ExitCodes.Ok;
    }

    public static async Task<int> DownAsync(CommandContext ctx)
    {
        var node = CheckNodeId(ctx.Argument(0)!);
        var (answered, body) = await ctx.Session.PostAsync(ctx.Session.Nodes, $"_api/cluster/members/{Uri.EscapeDataString(node)}/down", ctx.Cancellation);
        Print(ctx, answered, body);
        return ExitCodes.Ok;
    }

    public static async Task<int> TransferLeadershipAsync(CommandContext ctx)
    {
        var to = ctx.Argument(0) is { } n ? CheckNodeId(n) : null;
        var path = "_api/cluster/leader/transfer" + (to is null ? "" : "?to=" + Uri.EscapeDataString(to));
        // Only the leader can hand its leadership over: asked through a follower, the command goes to the leader the
        // follower knows (a node without a leader is asked itself, and its 409 says why).
        var status = await ctx.Session.StatusAsync(ctx.Cancellation);
        IReadOnlyList<Uri> targets = status.Leader is { } leader && leader != status.NodeId
            ? [HttpAddressOf(status, leader, "transfer-leadership")]
            : ctx.Session.Nodes;
        var (answered, body) = await ctx.Session.PostAsync(targets, path, ctx.Cancellation);
        Print(ctx, answered, body);
        return ExitCodes.Ok;
    }

    /// <summary>A member's own HTTP API, as it announced it to the cluster (exit 1 when it is no member or has not yet).</summary>
    private static Uri HttpAddressOf(StatusResponse status, string node, string command)
    {
        var member = status.Members.FirstOrDefault(m => m.NodeId == node)
            ?? throw new CheckFailedException($"{node} is not a member (as seen by {status.NodeId}: {string.Join(", ", status.Members.Select(m => m.NodeId))})");
        return member.HttpAddress is { } http && Uri.TryCreate(http, UriKind.Absolute, out var url)
            ? url
            : throw new CheckFailedException($"{node} has not announced its HTTP address yet (as seen by {status.NodeId}); run {command} against it with --node");
    }

    /// <summary>The node ids the node accepts: 1-64 letters, digits, '.', '_', '-'.</summary>
    public static string CheckNodeId(string id) =>
        id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? id
            : throw new UsageException($"invalid node id '{id}' (expected 1-64 letters, digits, '.', '_', '-')");

    /// <summary>The answer's JSON as is (<c>--json</c>), else its top-level fields on one line: <c>node1: status=leaving node_id=node1</c>.</summary>
    public static string Summary(Uri node, JsonElement body) =>
        node.ToString().TrimEnd('/') + ": " + (body.ValueKind == JsonValueKind.Object
            ? string.Join(' ', body.EnumerateObject().Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"))
            : body.GetRawText());

    private static void Print(CommandContext ctx, Uri node, JsonElement body)
    {
        if (ctx.Out.Json)
        {
            ctx.Out.Line(body.GetRawText());
        }
        else
        {
            ctx.Out.Line(Summary(node, body));
        }
    }
}
