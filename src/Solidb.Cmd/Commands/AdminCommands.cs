using System.Text.Json;
using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Commands;

/// <summary>
/// The admin commands (the token is sent as <c>Authorization: Bearer</c>): leave, down, transfer-leadership.
/// Each goes only to the nodes the operator gave (<c>--node</c>, <c>SOLIDB_NODE</c>), never to an address learnt from
/// the cluster: what must reach the leader or another member, that node forwards over the cluster's own transport.
/// A refusal (401 no or wrong token, 403 cross-site, 409 no quorum, ...) is exit 1 with the node's error text.
/// </summary>
public static class AdminCommands
{
    /// <summary>Without a node, the node asked leaves; with one, the node asked tells that member to leave.</summary>
    public static async Task<int> LeaveAsync(CommandContext ctx)
    {
        var path = ctx.Argument(0) is { } node
            ? $"_api/cluster/members/{Uri.EscapeDataString(CheckNodeId(node))}/leave"
            : "_api/cluster/leave";
        var (answered, body) = await ctx.Session.PostAsync(ctx.Session.Nodes, path, ctx.Cancellation);
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

    /// <summary>Only the leader can hand its leadership over: a follower asked forwards the request to the leader it knows.</summary>
    public static async Task<int> TransferLeadershipAsync(CommandContext ctx)
    {
        var to = ctx.Argument(0) is { } n ? CheckNodeId(n) : null;
        var path = "_api/cluster/leader/transfer" + (to is null ? "" : "?to=" + Uri.EscapeDataString(to));
        var (answered, body) = await ctx.Session.PostAsync(ctx.Session.Nodes, path, ctx.Cancellation);
        Print(ctx, answered, body);
        return ExitCodes.Ok;
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
