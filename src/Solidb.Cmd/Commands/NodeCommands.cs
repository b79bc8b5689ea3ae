using Solidb.Cmd.Cli;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Commands;

/// <summary><c>node stats</c> (the status' counters) and <c>node metrics</c> (<c>GET /metrics</c>).</summary>
public static class NodeCommands
{
    public static async Task<int> StatsAsync(CommandContext ctx)
    {
        var status = await ctx.Session.StatusAsync(ctx.Cancellation);
        if (ctx.Out.Json)
        {
            ctx.Out.WriteJson(status.Stats);
        }
        else
        {
            ctx.Out.Line($"counters of {status.NodeId} since {Format.Time(status.StartedAt)} (incarnation {status.Incarnation})");
            ctx.Out.Table(ClusterViews.Stats(status.Stats));
        }

        return ExitCodes.Ok;
    }

    /// <summary>The exposition as served; with <c>--json</c> its samples.</summary>
    public static async Task<int> MetricsAsync(CommandContext ctx)
    {
        var (node, text) = await ctx.Session.GetTextAsync("metrics", ctx.Cancellation);
        if (!ctx.Out.Json)
        {
            ctx.Out.Writer.Write(text);
            return ExitCodes.Ok;
        }

        try
        {
            ctx.Out.WriteJson(PrometheusText.Samples(text));
        }
        catch (FormatException e)
        {
            throw new CheckFailedException($"{node.ToString().TrimEnd('/')}/metrics is not a Prometheus text exposition: {e.Message}");
        }

        return ExitCodes.Ok;
    }
}
