using Solidb.Cmd.Cli;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Commands;

/// <summary>The read-only cluster commands: show, status, leader, unreachable, health.</summary>
public static class ClusterCommands
{
    public static async Task<int> ShowAsync(CommandContext ctx)
    {
        var status = await ctx.Session.StatusAsync(ctx.Cancellation);
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(status);
            return ExitCodes.Ok;
        }

        ctx.Out.Line(ClusterViews.Header(status));
        ctx.Out.Table(ClusterViews.Members(status));
        return ExitCodes.Ok;
    }

    public static async Task<int> StatusAsync(CommandContext ctx)
    {
        var status = await ctx.Session.StatusAsync(ctx.Cancellation);
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(status);
        }
        else
        {
            ctx.Out.Table(ClusterViews.Node(status));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The leader the node knows; none is a failed check (exit 1), so scripts can wait for one.</summary>
    public static async Task<int> LeaderAsync(CommandContext ctx)
    {
        var leader = await ctx.Session.ReadAsync((c, t) => c.GetLeaderAsync(t), ctx.Cancellation);
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(leader);
        }
        else if (leader.Leader is not null)
        {
            ctx.Out.Table(ClusterViews.Leader(leader));
        }

        return leader.Leader is null
            ? throw new CheckFailedException($"no leader known (term {leader.Term}, quorum {Format.YesNo(leader.HasQuorum)})")
            : ExitCodes.Ok;
    }

    /// <summary>Only the members that are Unknown or Failed; none is not a failure (exit 0, "none").</summary>
    public static async Task<int> UnreachableAsync(CommandContext ctx)
    {
        var status = await ctx.Session.StatusAsync(ctx.Cancellation);
        var members = status.Members.Where(ClusterViews.IsUnreachable).ToList();
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(members);
        }
        else if (members.Count == 0)
        {
            ctx.Out.Line($"no unreachable member (as seen by {status.NodeId})");
        }
        else
        {
            ctx.Out.Table(ClusterViews.Members(status, ClusterViews.IsUnreachable));
        }

        return ExitCodes.Ok;
    }

    /// <summary>Exit 0 when the node is ready; 1 with its reason when not.</summary>
    public static async Task<int> HealthAsync(CommandContext ctx)
    {
        var ready = await ctx.Session.ReadAsync((c, t) => c.GetReadyAsync(t), ctx.Cancellation);
        var node = ready.Node.ToString().TrimEnd('/');
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(ready.Response);
        }
        else if (ready.IsReady)
        {
            ctx.Out.Line($"{node}: ready (state {ready.Response.State}, leader {ready.Response.Leader ?? "none"}, quorum {Format.YesNo(ready.Response.HasQuorum)})");
        }

        return ready.IsReady ? ExitCodes.Ok : throw new CheckFailedException($"{node} is not ready: {ready.Reason ?? "no reason given"}");
    }
}
